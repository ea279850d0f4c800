// The riskd daemon: startup as named steps in a fixed order, teardown that
// always runs in the reverse order, and the http::ApiBackend the HTTP API
// serves from (state reads, labels, audit, reload, readiness, metrics).
//
//   Daemon daemon({.config_path = "riskd.yaml"});
//   if (auto s = daemon.Start(); !s) { … exit 1 … }
//   … wait for a signal; daemon.ReloadConfig() on SIGHUP …
//   daemon.Stop();   // also run by the destructor
//
// Thread-safety: Start/Stop from one thread; the ApiBackend methods from
// any thread.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/app/settings.h"
#include "daemon/clock/clock.h"
#include "daemon/http/backend.h"

namespace riskd::store {
class BatchWriter;
class StateStore;
}  // namespace riskd::store
namespace riskd::kafka {
class EmbeddedCluster;
class Producer;
}  // namespace riskd::kafka
namespace riskd::pipeline {
class Pipeline;
class Publisher;
class ScoringHolder;
struct ScoringSnapshot;
}  // namespace riskd::pipeline
namespace riskd::metrics {
class Metrics;
}
namespace riskd::http {
class Server;
}  // namespace riskd::http
namespace riskd::cluster {
class AccountRouter;
class Forwarder;
class Membership;
}  // namespace riskd::cluster

namespace riskd::app {

class Telemetry;

struct DaemonOptions {
  std::string config_path;
  // The daemon's clock; nullptr: the system clock.
  const Clock* clock = nullptr;
  // Store fault seam (tests run the daemon in-process); nullptr: direct.
  store::BatchWriter* store_writer = nullptr;
};

class Daemon final : public http::ApiBackend {
 public:
  explicit Daemon(DaemonOptions options);
  ~Daemon() override;
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs the startup steps in order; on the first failure, tears down what
  // started and returns the error (exit 1 at the command line).
  Status Start();
  // Finishes the batch in hand, commits, leaves the group, flushes the
  // producer, closes RocksDB. Idempotent.
  void Stop();

  // The embedded cluster's bootstrap, "" when a real one is configured.
  std::string kafka_bootstrap() const;

  // http::ApiBackend
  scoring::EpochMicros Now() override;
  std::shared_ptr<const http::RunningConfig> CurrentConfig() override;
  Result<std::optional<scoring::AccountState>> ReadAccount(std::string_view account_id) override;
  Result<std::optional<scoring::AccountState>> ReadShadowAccount(std::string_view account_id,
                                                                 std::string_view shadow_version) override;
  Result<scoring::EpochMicros> ApplyLabel(std::string_view account_id, scoring::Label label, std::string_view note,
                                          std::string_view analyst) override;
  Status Audit(const http::AuditRecord& record) override;
  http::ReloadOutcome ReloadConfig() override;
  http::Readiness Ready() override;
  std::string ScrapeMetrics() override;

 private:
  // The startup steps (daemon.cc says why they come in this order).
  Status LoadConfig();
  Status OpenStore();
  Status StartMetrics();
  Status StartEmbeddedKafka();
  Status EnsureKafkaTopics();
  Status StartProducer();
  Status StartConsumer();
  Status StartRouting();
  Status StartHttp();
  Status StartTelemetry();
  Status StartMembership();

  // Publishes what runs. `restart_required`: keys the file (`file`, null:
  // settings.config) changed that wait for a restart.
  void SetRunning(const Settings& settings, std::vector<std::string> restart_required = {},
                  std::shared_ptr<const config::Config> file = nullptr);
  static std::shared_ptr<const pipeline::ScoringSnapshot> SnapshotOf(const Settings& settings);

  DaemonOptions options_;
  SystemClock system_clock_;
  const Clock* clock_;
  Settings settings_;  // as loaded at startup (non-reloadable parts)

  std::unique_ptr<metrics::Metrics> metrics_;
  std::unique_ptr<store::StateStore> store_;
  // Observes the Kafka clients, so it outlives them (declared before them).
  std::unique_ptr<Telemetry> telemetry_;
  std::unique_ptr<kafka::EmbeddedCluster> embedded_;
  std::unique_ptr<pipeline::ScoringHolder> scoring_;
  std::unique_ptr<pipeline::Publisher> publisher_;
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<pipeline::Pipeline> pipeline_;
  // Scale-out (daemon/cluster): who serves which partition, and the
  // forwarding of requests for accounts served elsewhere.
  std::unique_ptr<cluster::Membership> membership_;
  std::unique_ptr<cluster::Forwarder> forwarder_;
  std::unique_ptr<cluster::AccountRouter> router_;
  // HTTP (daemon/http): the API and ops listeners, closed first on Stop.
  std::vector<std::unique_ptr<http::Server>> http_servers_;

  std::mutex reload_mu_;   // one reload at a time
  std::mutex running_mu_;  // guards running_
  std::shared_ptr<const http::RunningConfig> running_;
  bool stopped_ = false;
};

}  // namespace riskd::app
