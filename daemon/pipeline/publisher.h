// Publishes the outbox: every message the pipeline committed with its state
// (RiskUpdates, dead letters, changelog records) goes to Kafka through the
// idempotent producer, and its outbox entry is deleted only after the broker
// acknowledged it. At startup everything left in the outbox (a crash between
// commit and delivery) is published again: consumers may see a repeat, with
// the same triggerEventId, never a gap.
//
// Changelog records (PublisherOptions::changelog_topic) follow two more
// rules, so that a restorer never sees an event as applied whose RiskUpdate
// was not delivered, and never sees state from an instance that no longer
// owns the partition:
//   * a changelog entry is produced only once every earlier RiskUpdate and
//     dead letter of its partition has been delivered (the outbox sequence
//     orders them: a batch's updates come before its changelog records);
//   * a partition's changelog entries are produced only while the pipeline
//     has opened it (OpenChangelog: owned, state current); otherwise they
//     wait in the outbox, and a restore of that partition drops them.
// Delivery reports of changelog records advance the partition's changelog
// checkpoint, written with the deletion of the delivered entries.
//
// A changelog record is never dropped. One that fails permanently (larger
// than message.max.bytes, an invalid record, no authorization on the topic)
// stays in the outbox, the partition's changelog stops there, and the
// partition is reported in BlockedChangelogs(): the pipeline stops serving
// it (a later owner restored from the changelog would not have the
// account's latest state). Counted in riskd_produce_errors_total{reason}.
// It is tried again once the partition's changelog is reopened (after a
// reassignment or a restart with, say, a larger message.max.bytes).
// RiskUpdates and dead letters that can never be sent are still dropped,
// counted and logged: nothing is restored from them, and blocking the
// outbox behind them would stop every later update.
//
// Runs its own thread, so a slow or absent broker never blocks the poll loop;
// the loop pauses consumption instead when Unpublished() grows too large.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon/kafka/producer.h"
#include "daemon/log/rate_limit.h"
#include "daemon/store/state_store.h"

namespace riskd::metrics {
class Metrics;
}

namespace riskd::pipeline {

struct PublisherOptions {
  // Entries produced but not yet acknowledged, at most.
  size_t max_in_flight = 20'000;
  // Entries read from the store per partition per pass.
  size_t read_batch = 1'000;
  // The RiskUpdate topic (counted as riskd updates when delivered).
  std::string decisions_topic = "risk-decisions";
  // The changelog topic ("": none).
  std::string changelog_topic;
};

class Publisher final : public kafka::DeliveryListener {
 public:
  // `producer` is created by the caller with this publisher as its listener
  // (see AttachProducer). Not owned: store and metrics outlive the publisher.
  Publisher(store::StateStore& store, metrics::Metrics& metrics, PublisherOptions options);
  ~Publisher() override;

  void AttachProducer(kafka::Producer* producer) { producer_ = producer; }

  // Starts the thread; the first pass publishes what a crash left behind.
  void Start();
  // New entries were committed (wakes the thread).
  void Notify(int64_t entries);
  // Outbox entries were dropped without publishing (a restore replaced the
  // partition's state and its undelivered changelog records).
  void Dropped(int64_t entries);
  // Stops the thread after publishing what is committed, waiting for
  // delivery up to the producer's flush timeout.
  void Stop();

  // The partition's changelog entries may be produced (it is owned and its
  // state is current) / must wait. Thread-safe.
  void OpenChangelog(int32_t partition);
  void CloseChangelog(int32_t partition);

  // Partitions whose changelog is stopped at a record that failed
  // permanently -> the failure's reason. Cleared by CloseChangelog.
  // Thread-safe.
  std::map<int32_t, std::string> BlockedChangelogs() const;

  // Outbox entries committed and not yet acknowledged (estimate).
  int64_t Unpublished() const { return unpublished_.load(); }

  void OnDelivery(uint64_t token, std::string_view error) override;
  void OnDeliveryAt(uint64_t token, std::string_view error, int64_t offset) override {
    OnDeliveryReport(token, error, "unknown", offset);
  }
  void OnDeliveryReport(uint64_t token, std::string_view error, std::string_view reason, int64_t offset) override;

 private:
  enum class Kind : uint8_t { kOther, kUpdate, kChangelog };
  void Run();
  // One pass over the partitions; returns whether anything was produced.
  bool ProduceSome();
  // Produces `item`; false when the caller should stop this pass.
  bool ProduceOne(int32_t p, const store::OutboxItem& item, Kind kind, bool* produced);
  // RiskUpdates and dead letters of `p` with a sequence below `seq` are all delivered.
  bool PlainDeliveredBefore(int32_t p, uint64_t seq) const;
  bool ChangelogOpen(int32_t p) const;
  bool ChangelogProducible(int32_t p) const;  // open and not blocked
  void DeleteDelivered();

  store::StateStore& store_;
  metrics::Metrics& metrics_;
  PublisherOptions options_;
  kafka::Producer* producer_ = nullptr;

  std::atomic<int64_t> unpublished_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool woken_ = false;

  // A changelog record of `p` failed for good: stop its changelog there.
  // `error`: the failure, for the log.
  void BlockChangelog(int32_t p, std::string_view reason, std::string_view error);

  mutable std::mutex gate_mu_;
  std::set<int32_t> changelog_open_;
  std::map<int32_t, std::string> changelog_blocked_;  // guarded by gate_mu_

  // Publisher thread only (delivery reports arrive on it, inside Poll).
  std::map<int32_t, uint64_t> cursor_;            // partition -> highest seq scanned for updates/dead letters
  std::map<int32_t, uint64_t> changelog_cursor_;  // partition -> highest seq scanned for changelog records
  std::map<int32_t, std::set<uint64_t>> plain_in_flight_;  // partition -> seqs of updates/dead letters in flight
  std::map<int32_t, std::vector<uint64_t>> delivered_;
  std::map<int32_t, int64_t> checkpoint_;  // partition -> next changelog offset after delivered records
  std::map<uint64_t, Kind> in_flight_;     // token -> kind

  // A broker outage fails every message in flight: one line per reason
  // and minute, then a count.
  log::RateLimitedLogger failures_log_{"publisher"};
};

}  // namespace riskd::pipeline
