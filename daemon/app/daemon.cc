#include "daemon/app/daemon.h"

#include <cstdio>

#include "daemon/app/telemetry.h"
#include "daemon/app/version.h"
#include "daemon/cluster/account_router.h"
#include "daemon/cluster/forwarder.h"
#include "daemon/cluster/membership.h"
#include "daemon/config/config.h"
#include "daemon/config/reload_scope.h"
#include "daemon/http/listeners.h"
#include "daemon/http/server.h"
#include "daemon/kafka/embedded_cluster.h"
#include "daemon/kafka/owned_topic.h"
#include "daemon/kafka/producer.h"
#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"
#include "daemon/pipeline/pipeline.h"
#include "daemon/pipeline/publisher.h"
#include "daemon/pipeline/scoring_snapshot.h"
#include "daemon/store/state_store.h"

namespace riskd::app {

Daemon::Daemon(DaemonOptions options)
    : options_(std::move(options)), clock_(options_.clock ? options_.clock : &system_clock_) {}

Daemon::~Daemon() { Stop(); }

// Startup, in an order where each step only needs what the steps before it
// made, and nothing is exposed before what it exposes exists:
Status Daemon::Start() {
  const std::pair<const char*, Status (Daemon::*)()> steps[] = {
      // Everything below is configured by it; a bad file fails before
      // anything is touched.
      {"load_config", &Daemon::LoadConfig},
      // The state is the source of truth (offsets included) and holds the
      // outbox to republish; if it cannot open (another riskd holds its
      // lock) nothing else may start.
      {"open_store", &Daemon::OpenStore},
      // Components count from their first action.
      {"metrics", &Daemon::StartMetrics},
      // The Kafka clients need a broker address.
      {"embedded_kafka", &Daemon::StartEmbeddedKafka},
      // The topics riskd owns exist, right, before any client can touch
      // them: a broker that auto-creates topics would otherwise create the
      // changelog on the producer's first metadata request, with the
      // broker's default partition count.
      {"kafka_topics", &Daemon::EnsureKafkaTopics},
      // Outputs flow before inputs: what a crash left in the outbox is
      // republished ahead of anything new for the same account.
      {"producer", &Daemon::StartProducer},
      // Input starts once its results have somewhere to go.
      {"consumer", &Daemon::StartConsumer},
      // The API routes accounts by partition, so routing exists before it.
      {"routing", &Daemon::StartRouting},
      // Answers only once state is open and partitions are known; /readyz
      // then tells when they are assigned and caught up.
      {"http", &Daemon::StartHttp},
      // Periodic figures (readiness, RocksDB, Kafka statistics) once
      // everything they read exists.
      {"telemetry", &Daemon::StartTelemetry},
      // Announced to the other instances only once this one can be reached
      // (with http.listen port 0 the advertised port is the bound one).
      {"membership", &Daemon::StartMembership},
  };
  for (const auto& [name, step] : steps) {
    auto s = (this->*step)();
    if (!s) {
      log::Error("app", "startup failed", {{"step", name}, {"error", s.error().message}});
      Stop();
      return s;
    }
    log::Debug("app", "startup step done", {{"step", name}});
  }
  log::Info("app", "riskd running", {{"version", kVersion}, {"config_version", settings_.config_version}});
  return OkStatus();
}

// Teardown, the reverse of startup; every step tolerates a partial start.
void Daemon::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (membership_) membership_->Stop();  // tombstone: peers stop forwarding here
  if (forwarder_) forwarder_->Stop();    // forwards in flight are answered (503)
  http_servers_.clear();   // no new requests; in-flight ones finish
  if (telemetry_) telemetry_->Stop();  // reads the pipeline and the store
  router_.reset();
  forwarder_.reset();
  membership_.reset();
  if (pipeline_) pipeline_->Stop();  // batch in hand committed, group left
  if (publisher_) publisher_->Stop();  // committed outbox flushed (bounded)
  pipeline_.reset();
  producer_.reset();   // before its delivery listener, the publisher
  publisher_.reset();
  telemetry_.reset();  // after the Kafka clients it observes
  embedded_.reset();
  store_.reset();  // RocksDB closed
  if (metrics_) log::Info("app", "riskd stopped");
}

Status Daemon::LoadConfig() {
  std::vector<std::string> problems;
  auto settings = LoadSettings(options_.config_path, &problems);
  if (!settings) {
    for (const auto& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
    return settings.error();
  }
  settings_ = std::move(*settings);
  if (log::Level level; log::ParseLevel(settings_.log_level, &level)) log::SetLevel(level);
  settings_.store.clock = clock_;
  settings_.store.writer = options_.store_writer;
  scoring_ = std::make_unique<pipeline::ScoringHolder>(SnapshotOf(settings_));
  SetRunning(settings_);
  if (settings_.shadow_scoring) {
    log::Info("app", "shadow config in force", {{"shadow_config_version", settings_.shadow_version}});
  }
  return OkStatus();
}

Status Daemon::OpenStore() {
  auto store = store::StateStore::Open(settings_.store);
  if (!store) return store.error();
  store_ = std::move(*store);
  return OkStatus();
}

Status Daemon::StartMetrics() {
  metrics_ = std::make_unique<metrics::Metrics>(kVersion);
  metrics_->SetConfigVersion(settings_.config_version);
  // Created now so the Kafka clients report to it; its thread starts last.
  telemetry_ = std::make_unique<Telemetry>(*store_, *metrics_, [this] { return Ready().ready; });
  settings_.consumer.observer = telemetry_.get();
  settings_.producer.observer = telemetry_.get();
  return OkStatus();
}

Status Daemon::StartTelemetry() {
  telemetry_->Start();
  return OkStatus();
}

Status Daemon::StartEmbeddedKafka() {
  if (!settings_.embedded_kafka) return OkStatus();
  auto cluster = kafka::EmbeddedCluster::Start(settings_.embedded_topics, settings_.embedded_partitions);
  if (!cluster) return cluster.error();
  embedded_ = std::move(*cluster);
  // The membership topic: one partition (every instance reads all of it).
  if (auto s = embedded_->CreateTopic(settings_.membership.topic, 1); !s) return s.error();
  for (auto* props : {&settings_.consumer.properties, &settings_.producer.properties,
                      &settings_.membership.properties}) {
    props->emplace_back("bootstrap.servers", embedded_->bootstrap());
  }
  // The contract of SPEC section 7: any Kafka client can feed it from here.
  std::printf("kafka bootstrap: %s\n", embedded_->bootstrap().c_str());
  std::fflush(stdout);
  log::Info("kafka", "embedded mock cluster started", {{"bootstrap", embedded_->bootstrap()}});
  return OkStatus();
}

Status Daemon::EnsureKafkaTopics() {
  if (settings_.embedded_kafka || settings_.pipeline.changelog_topic.empty()) return OkStatus();
  kafka::OwnedTopicSpec changelog;
  changelog.topic = settings_.pipeline.changelog_topic;
  changelog.mirror = settings_.consumer.topics;
  auto ensured = kafka::EnsureOwnedTopic(settings_.consumer.properties, changelog, settings_.consumer.broker_timeout);
  // No input topic yet: the consumer's co-partitioning check names them.
  if (!ensured && ensured.error().code == "missing_input") return OkStatus();
  if (!ensured) return ensured.error();
  return OkStatus();
}

Status Daemon::StartProducer() {
  pipeline::PublisherOptions options;
  options.decisions_topic = settings_.pipeline.decisions_topic;
  options.changelog_topic = settings_.pipeline.changelog_topic;
  publisher_ = std::make_unique<pipeline::Publisher>(*store_, *metrics_, options);
  auto producer = kafka::Producer::Create(settings_.producer, publisher_.get());
  if (!producer) return producer.error();
  producer_ = std::move(*producer);
  publisher_->AttachProducer(producer_.get());
  publisher_->Start();
  return OkStatus();
}

Status Daemon::StartConsumer() {
  pipeline::PipelineDeps deps{store_.get(), metrics_.get(), clock_, scoring_.get(), publisher_.get()};
  pipeline_ = std::make_unique<pipeline::Pipeline>(deps, settings_.pipeline, settings_.consumer);
  return pipeline_->Start();
}

// This instance's partitions as the membership topic and the router see
// them (the pipeline's statuses, index = partition).
static std::vector<cluster::LocalState> LocalPartitions(const pipeline::Pipeline& pipeline) {
  std::vector<cluster::LocalState> out;
  for (pipeline::PartitionStatus status : pipeline.PartitionStatuses()) {
    // No default: a new status must be placed here on purpose.
    switch (status) {
      case pipeline::PartitionStatus::kActive: out.push_back(cluster::LocalState::kServing); break;
      // Assigned, not answered yet: peers answer 503 rather than guess.
      case pipeline::PartitionStatus::kChecking:
      case pipeline::PartitionStatus::kRestoring: out.push_back(cluster::LocalState::kRestoring); break;
      case pipeline::PartitionStatus::kStale:
      case pipeline::PartitionStatus::kNotOwned: out.push_back(cluster::LocalState::kNone); break;
    }
  }
  return out;
}

Status Daemon::StartRouting() {
  auto local = [pipeline = pipeline_.get()] { return LocalPartitions(*pipeline); };
  // The standby partitions the membership view names go to the pipeline,
  // which follows those not assigned here (kafka.standby_replicas).
  settings_.membership.standby_plan = [pipeline = pipeline_.get()](std::set<int32_t> partitions) {
    pipeline->SetStandbyPlan(std::move(partitions));
  };
  membership_ = std::make_unique<cluster::Membership>(settings_.membership, local, clock_, metrics_.get());
  forwarder_ = std::make_unique<cluster::Forwarder>(settings_.forwarder);
  router_ = std::make_unique<cluster::AccountRouter>(
      cluster::AccountRouterOptions{settings_.instance_id, settings_.partitioner}, local, *membership_, *forwarder_);
  return OkStatus();
}

Status Daemon::StartMembership() {
  if (settings_.advertised_url_port_from_listener && !http_servers_.empty()) {
    const std::string& url = settings_.membership.advertised_url;
    membership_->set_advertised_url(url.substr(0, url.rfind(':') + 1) + std::to_string(http_servers_.front()->port()));
  }
  return membership_->Start();
}

Status Daemon::StartHttp() {
  // The API on http.listen and the ops listener (/metrics, /healthz,
  // /readyz) on metrics.listen, both answering from *this; kept in
  // http_servers_ so that Stop() closes them first. Listener settings are
  // read once: a reload does not move a port.
  auto servers = http::StartListeners(*settings_.config, *this, *metrics_, router_.get());
  if (!servers.ok()) return servers.error();
  http_servers_ = std::move(*servers);
  return OkStatus();
}

std::shared_ptr<const pipeline::ScoringSnapshot> Daemon::SnapshotOf(const Settings& settings) {
  pipeline::ScoringSnapshot snapshot;
  snapshot.engine = std::make_shared<const scoring::Engine>(settings.scoring);
  snapshot.config_version = settings.config_version;
  if (settings.shadow_scoring) {
    snapshot.shadow_engine = std::make_shared<const scoring::Engine>(settings.shadow_scoring);
    snapshot.shadow_version = settings.shadow_version;
  }
  return std::make_shared<const pipeline::ScoringSnapshot>(std::move(snapshot));
}

std::string Daemon::kafka_bootstrap() const { return embedded_ ? embedded_->bootstrap() : ""; }

void Daemon::SetRunning(const Settings& settings, std::vector<std::string> restart_required,
                        std::shared_ptr<const config::Config> file) {
  auto running = std::make_shared<http::RunningConfig>();
  running->config = settings.config;
  running->restart_required = std::move(restart_required);
  running->file = file ? std::move(file) : settings.config;
  running->engine = std::make_shared<const scoring::Engine>(settings.scoring);
  running->version = settings.config_version;
  if (settings.shadow_scoring) {
    running->shadow_engine = std::make_shared<const scoring::Engine>(settings.shadow_scoring);
    running->shadow_version = settings.shadow_version;
  }
  std::lock_guard lock(running_mu_);
  running_ = std::move(running);
}

// --- http::ApiBackend

scoring::EpochMicros Daemon::Now() { return clock_->NowMicros(); }

std::shared_ptr<const http::RunningConfig> Daemon::CurrentConfig() {
  std::lock_guard lock(running_mu_);
  return running_;
}

Result<std::optional<scoring::AccountState>> Daemon::ReadAccount(std::string_view account_id) {
  if (!pipeline_) return Error{"unavailable", "not consuming yet"};
  return pipeline_->ReadAccount(account_id);
}

Result<std::optional<scoring::AccountState>> Daemon::ReadShadowAccount(std::string_view account_id,
                                                                       std::string_view shadow_version) {
  if (!pipeline_) return Error{"unavailable", "not consuming yet"};
  return pipeline_->ReadShadowAccount(account_id, shadow_version);
}

Result<scoring::EpochMicros> Daemon::ApplyLabel(std::string_view account_id, scoring::Label label,
                                                std::string_view note, std::string_view analyst) {
  if (!pipeline_) return Error{"unavailable", "not consuming yet"};
  auto at = pipeline_->ApplyLabel(account_id, label, note);
  if (at) {
    log::Info("app", "analyst label applied",
              {{"account", account_id}, {"label", scoring::name(label)}, {"analyst", analyst}});
  }
  return at;
}

Status Daemon::Audit(const http::AuditRecord& r) {
  log::Info("audit", r.what,
            {{"who", r.who}, {"account", r.account_id}, {"outcome", r.outcome}, {"config_version", r.config_version}});
  if (!store_) return Error{"unavailable", "state not open"};
  return store_->AppendAudit(
      store::AuditEntry{r.at, r.who, r.what, r.account_id, r.outcome, r.config_version, r.detail_json});
}

http::ReloadOutcome Daemon::ReloadConfig() {
  std::lock_guard reload_lock(reload_mu_);
  std::vector<std::string> problems;
  auto settings = LoadSettings(options_.config_path, &problems);
  http::ReloadOutcome out;
  if (!settings) {
    if (metrics_) metrics_->ConfigReload(false);
    out.ok = false;
    out.version = CurrentConfig()->version;
    out.problems = problems.empty() ? std::vector<std::string>{settings.error().message} : problems;
    log::Warn("app", "config reload refused; the running config stays", {{"problems", std::to_string(out.problems.size())}});
    return out;
  }
  // Scoring, policy, tokens and the log level take effect at once (next
  // batch, next request); the other keys were read once at startup
  // (listeners, Kafka, state, cluster) and keep their started values until
  // a restart: what runs is the started config with the file's live keys
  // (config/reload_scope.h), and its version is the configVersion. The
  // keys left waiting are named in the answer, never silently dropped.
  config::ReloadPlan plan = config::PlanReload(*settings_.config, *settings->config);
  auto running_config = std::make_shared<const config::Config>(std::move(plan.running));
  Settings applied = *settings;
  applied.config = running_config;
  applied.config_version = config::ConfigVersion(*running_config);
  applied.scoring = std::shared_ptr<const scoring::ScoringConfig>(running_config, &running_config->scoring);
  scoring_->Set(SnapshotOf(applied));
  SetRunning(applied, plan.restart_required, settings->config);
  if (log::Level level; log::ParseLevel(running_config->log.level, &level)) log::SetLevel(level);
  if (metrics_) {
    metrics_->ConfigReload(true);
    metrics_->SetConfigVersion(applied.config_version);
  }
  std::string waiting;
  for (const auto& key : plan.restart_required) waiting += (waiting.empty() ? "" : ",") + key;
  log::Info("app", "config reloaded",
            {{"config_version", applied.config_version},
             {"shadow_config_version", settings->shadow_scoring ? settings->shadow_version : "none"},
             {"restart_required", waiting.empty() ? "none" : waiting}});
  out.ok = true;
  out.version = applied.config_version;
  out.restart_required = std::move(plan.restart_required);
  return out;
}

http::Readiness Daemon::Ready() {
  if (!store_) return {false, "state not open"};
  // A full state disk or a RocksDB background error: consumption is paused
  // (writes are refused) until the store recovers (daemon/store).
  if (auto health = store_->Health(); !health.writable) return {false, health.reason};
  if (!pipeline_) return {false, "not consuming yet"};
  auto r = pipeline_->Ready();
  return {r.ready, r.reason};
}

std::string Daemon::ScrapeMetrics() { return metrics_ ? metrics_->Scrape() : std::string(); }

}  // namespace riskd::app
