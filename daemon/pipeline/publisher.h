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
//     has opened it (OpenChangelog: owned, state current, claim valid);
//     otherwise they wait in the outbox, and a restore of that partition
//     drops them. Each is stamped, as it is produced, with the epoch the
//     partition was opened with (header riskd-epoch; fencing, see
//     daemon/pipeline/README.md): an entry held since an earlier ownership
//     goes out under the current one.
// Delivery reports of changelog records advance the partition's changelog
// checkpoint, written with the deletion of the delivered entries.
//
// Two kinds of changelog record skip the outbox queue (ProduceClaim,
// ProduceLabel): an owner's claim, and an analyst label's account record,
// whose caller waits for the broker's acknowledgement (DirectAck). They go
// through the same idempotent producer, so they land after every changelog
// record produced before them; a label's record makes the account's older
// outbox records superfluous, and those not yet produced never are.
//
// Runs its own thread, so a slow or absent broker never blocks the poll loop;
// the loop pauses consumption instead when Unpublished() grows too large.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <optional>
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

// The broker's answer to a record produced at once (ProduceClaim,
// ProduceLabel). Thread-safe.
class DirectAck {
 public:
  // The record's changelog offset once acknowledged; error "unavailable"
  // when delivery failed or `timeout` passed first (it may still land).
  Result<int64_t> Wait(std::chrono::milliseconds timeout);
  void Resolve(std::string error, int64_t offset);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::string error_;
  int64_t offset_ = -1;
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

  // The partition's changelog entries may be produced, stamped with
  // `epoch` (it is owned, its state is current, and its claim with that
  // epoch is valid) / must wait. Thread-safe.
  void OpenChangelog(int32_t partition, int64_t epoch);
  void CloseChangelog(int32_t partition);

  // Produces an owner's claim (store::changelog::ClaimEntry) at once,
  // whether or not the partition's changelog is open. Thread-safe.
  Result<std::shared_ptr<DirectAck>> ProduceClaim(int32_t partition, const store::OutboxEntry& claim);
  // Produces an analyst label's account record at once, stamped with the
  // open epoch; `outbox_seq`: the same record's sequence in the outbox
  // (committed with the label). The account's outbox changelog entries
  // before it are no longer produced: the label's record holds all they
  // hold. Error "unavailable" when the partition's changelog is not open
  // with `epoch`. Thread-safe.
  Result<std::shared_ptr<DirectAck>> ProduceLabel(int32_t partition, int64_t epoch, const store::OutboxEntry& record,
                                                  uint64_t outbox_seq);

  // Outbox entries committed and not yet acknowledged (estimate).
  int64_t Unpublished() const { return unpublished_.load(); }

  // Partitions where a record of another writer landed among this owner's
  // changelog records since the last call: the broker's offsets of this
  // instance's records, from its claim on, were not consecutive (a
  // previous owner's late record, or a competing claim). Thread-safe.
  std::set<int32_t> TakeForeignWrites();

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
  // Every record the publisher sends goes through here (outbox entries,
  // claims, labels), with its final headers (changelog records: stamped
  // with their epoch).
  Status ProduceRecord(const store::OutboxEntry& entry, const std::vector<store::Header>& headers, uint64_t token);
  // `headers`: instead of the entry's (a changelog record's, stamped).
  bool ProduceOne(int32_t p, const store::OutboxItem& item, Kind kind, bool* produced,
                  const std::vector<store::Header>* headers = nullptr);
  // RiskUpdates and dead letters of `p` with a sequence below `seq` are all delivered.
  bool PlainDeliveredBefore(int32_t p, uint64_t seq) const;
  bool ChangelogOpen(int32_t p) const;
  // The epoch the partition's changelog is open with; nullopt: closed.
  std::optional<int64_t> OpenEpoch(int32_t p) const;
  // Under produce_mu_: produces `entry` with a direct token.
  Result<std::shared_ptr<DirectAck>> ProduceDirect(int32_t p, const store::OutboxEntry& entry, bool claim);
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

  mutable std::mutex gate_mu_;
  std::map<int32_t, int64_t> changelog_open_;  // partition -> epoch it is open with

  // Orders the production of changelog records: the outbox pass holds it
  // from reading a partition's changelog entries to producing them, a
  // direct produce while it marks what it supersedes and produces. So an
  // outbox record a label supersedes is either produced before the label's
  // record (and lands before it: same idempotent producer) or never.
  std::mutex produce_mu_;
  // Guarded by produce_mu_: partition -> account -> outbox sequence of its
  // newest label record; the account's changelog entries below it are skipped.
  std::map<int32_t, std::map<std::string, uint64_t>> superseded_;
  // Direct produces waiting for their report.
  struct Direct {
    int32_t partition = 0;
    bool claim = false;
    std::shared_ptr<DirectAck> ack;
  };
  std::mutex direct_mu_;
  std::map<uint64_t, Direct> direct_;  // token -> waiting produce
  uint64_t next_direct_ = 0;  // guarded by direct_mu_

  // Publisher thread only (delivery reports arrive on it, inside Poll).
  std::map<int32_t, uint64_t> cursor_;            // partition -> highest seq scanned for updates/dead letters
  std::map<int32_t, uint64_t> changelog_cursor_;  // partition -> highest seq scanned for changelog records
  std::map<int32_t, std::set<uint64_t>> plain_in_flight_;  // partition -> seqs of updates/dead letters in flight
  std::map<int32_t, std::vector<uint64_t>> delivered_;
  std::map<int32_t, int64_t> checkpoint_;  // partition -> next changelog offset after delivered records
  // partition -> offset of this instance's newest changelog record
  // acknowledged since its claim (consecutive unless someone else wrote).
  std::map<int32_t, int64_t> last_offset_;
  // partition -> the checkpoint may not pass this offset: another writer's
  // record sits there (until the next claim).
  std::map<int32_t, int64_t> checkpoint_cap_;
  // A changelog record of ours (a claim, or one produced under it) was
  // acknowledged at `offset`: moves the checkpoint, spots another writer.
  void ChangelogDelivered(int32_t p, int64_t offset, bool claim);
  std::mutex foreign_mu_;
  std::set<int32_t> foreign_;  // guarded by foreign_mu_
  std::map<uint64_t, Kind> in_flight_;     // token -> kind

  // A broker outage fails every message in flight: one line per reason
  // and minute, then a count.
  log::RateLimitedLogger failures_log_{"publisher"};
};

}  // namespace riskd::pipeline
