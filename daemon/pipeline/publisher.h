// Publishes the outbox: every message the pipeline committed with its state
// (RiskUpdates, dead letters) goes to Kafka through the idempotent producer,
// and its outbox entry is deleted only after the broker acknowledged it.
// At startup everything left in the outbox (a crash between commit and
// delivery) is published again: consumers may see a repeat, with the same
// triggerEventId, never a gap.
//
// Runs its own thread, so a slow or absent broker never blocks the poll loop;
// the loop pauses consumption instead when Unpublished() grows too large.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "daemon/kafka/producer.h"
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
  // Stops the thread after publishing what is committed, waiting for
  // delivery up to the producer's flush timeout.
  void Stop();

  // Outbox entries committed and not yet acknowledged (estimate).
  int64_t Unpublished() const { return unpublished_.load(); }

  void OnDelivery(uint64_t token, std::string_view error) override;

 private:
  void Run();
  // One pass over the partitions; returns whether anything was produced.
  bool ProduceSome();
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

  // Publisher thread only (delivery reports arrive on it, inside Poll).
  std::map<int32_t, uint64_t> cursor_;  // partition -> highest seq produced
  std::map<int32_t, std::vector<uint64_t>> delivered_;
  std::map<uint64_t, bool> in_flight_;  // token -> is a RiskUpdate
};

}  // namespace riskd::pipeline
