// Telemetry: the figures that are not counted on the event path but read
// periodically, on a thread of its own so that neither the poll loop nor
// the API pays for them:
//   - librdkafka statistics of the consumer and producer (their JSON is
//     handed over by the Kafka clients' callbacks and parsed here):
//     riskd_consumer_lag_messages{topic,partition}, riskd_kafka_broker_up;
//   - librdkafka error callbacks: riskd_kafka_client_errors_total and a
//     rate-limited log line;
//   - RocksDB properties every 10 s: riskd_state_bytes, riskd_rocksdb_*;
//   - the exact account count (a scan of the account keys, see
//     StateStore::CountAccounts): riskd_accounts, refreshed at most every
//     10 s and never more often than 100 times its own duration, so the
//     scan takes at most 1% of one core;
//   - readiness every second: riskd_ready.
//
// Thread-safety: OnStatistics and OnClientError may be called from any
// thread, also before Start and after Stop (statistics are then kept until
// the thread runs, or dropped).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "daemon/kafka/client_observer.h"
#include "daemon/log/rate_limit.h"

namespace riskd::metrics {
class Metrics;
}
namespace riskd::store {
class StateStore;
}

namespace riskd::app {

struct TelemetryOptions {
  // How often readiness is sampled (and the loop wakes when idle).
  std::chrono::milliseconds tick{1000};
  // How often the RocksDB properties are read.
  std::chrono::milliseconds store_every{10'000};
  // The account count is refreshed no more often than this…
  std::chrono::milliseconds accounts_min_every{10'000};
  // …and no more often than this many times its own last duration.
  int accounts_cost_factor = 100;
};

class Telemetry final : public kafka::ClientObserver {
 public:
  // `store`, `metrics` must outlive this; `ready` says whether /readyz is 200.
  Telemetry(store::StateStore& store, metrics::Metrics& metrics, std::function<bool()> ready,
            TelemetryOptions options = {});
  ~Telemetry() override;
  Telemetry(const Telemetry&) = delete;
  Telemetry& operator=(const Telemetry&) = delete;

  void Start();
  void Stop();  // idempotent

  void OnStatistics(std::string_view client, std::string json) override;
  void OnClientError(std::string_view client, std::string_view reason, std::string_view message,
                     bool fatal) override;

 private:
  void Run();
  void ApplyStatistics(const std::string& client, const std::string& json);
  void RefreshStore();
  void RefreshAccounts();

  store::StateStore& store_;
  metrics::Metrics& metrics_;
  std::function<bool()> ready_;
  TelemetryOptions options_;
  log::RateLimitedLogger errors_log_{"kafka"};

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;                      // guarded by mu_
  std::map<std::string, std::string> pending_;  // client -> newest statistics JSON; guarded by mu_
  std::thread thread_;
};

}  // namespace riskd::app
