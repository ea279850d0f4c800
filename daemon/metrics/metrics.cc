#include "daemon/metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "daemon/codec/event_decoder.h"
#include "scoring/types.h"

namespace riskd::metrics {
namespace {

using prometheus::Counter;
using prometheus::Family;
using prometheus::Gauge;
using prometheus::Histogram;

// A family plus a cache of its children keyed by the joined label values.
// Children created in the constructor (`Precreate`) are read without a lock;
// others are created once under `mu_`.
template <typename T>
class Labeled {
 public:
  Labeled(Family<T>& family, std::vector<std::string> label_names, Histogram::BucketBoundaries buckets = {})
      : buckets_(std::move(buckets)), family_(family), names_(std::move(label_names)) {}

  void Precreate(std::initializer_list<std::string_view> values) { fixed_.emplace(Key(values), &Create(values)); }

  T& Get(std::initializer_list<std::string_view> values) {
    std::string key = Key(values);
    if (auto it = fixed_.find(key); it != fixed_.end()) return *it->second;
    std::lock_guard lock(mu_);
    auto [it, inserted] = extra_.try_emplace(key, nullptr);
    if (inserted) it->second = &Create(values);
    return *it->second;
  }

  void Remove(std::initializer_list<std::string_view> values) {
    std::lock_guard lock(mu_);
    auto it = extra_.find(Key(values));
    if (it == extra_.end()) return;
    family_.Remove(it->second);
    extra_.erase(it);
  }

 private:
  static std::string Key(std::initializer_list<std::string_view> values) {
    std::string key;
    for (auto v : values) {
      key.append(v);
      key.push_back('\x1f');
    }
    return key;
  }

  T& Create(std::initializer_list<std::string_view> values) {
    std::map<std::string, std::string> labels;
    size_t i = 0;
    for (auto v : values) labels.emplace(names_.at(i++), std::string(v));
    if constexpr (std::is_same_v<T, Histogram>) {
      return family_.Add(labels, buckets_);
    } else {
      return family_.Add(labels);
    }
  }

  Histogram::BucketBoundaries buckets_;  // histograms only
  Family<T>& family_;
  std::vector<std::string> names_;
  std::map<std::string, T*, std::less<>> fixed_;
  std::mutex mu_;
  std::map<std::string, T*, std::less<>> extra_;
};

constexpr std::string_view kEventTypes[] = {"login", "password_reset", "support_request", "verification",
                                            "account_change"};

// Every value of a scoring enum, by its SPEC name (the same string as in
// config and API reasons).
template <typename Enum, int kCount>
std::vector<std::string_view> AllNames() {
  std::vector<std::string_view> names;
  for (int i = 0; i < kCount; ++i) names.push_back(scoring::name(static_cast<Enum>(i)));
  return names;
}

// Bucket choices: README.md, "Histograms".
// Receive -> committed is dominated by batching (tens of ms) with a tail
// into seconds when RocksDB stalls.
const Histogram::BucketBoundaries kProcessingBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,    0.25,  0.5,    1,     2.5,  5,     10};
// Event time -> committed includes producer delay and consumer lag: from
// milliseconds to a day of catch-up, and a week for replays and backfills.
const Histogram::BucketBoundaries kEventLagBuckets = {0.01, 0.05, 0.1, 0.5,  1,    5,     10,    30,
                                                      60,   300,  900, 3600, 21600, 86400, 604800};
// API answers are sub-millisecond when healthy; the SLO is p99 < 2 ms.
const Histogram::BucketBoundaries kHttpBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005,
                                                  0.01,   0.025,   0.05,   0.1,   0.25,  1};

}  // namespace

std::string_view name(ShadowDisagreement kind) {
  switch (kind) {
    case ShadowDisagreement::kLevel: return "level";
    case ShadowDisagreement::kUpdate: return "update";
    case ShadowDisagreement::kDecision: return "decision";
    case ShadowDisagreement::kFactors: return "factors";
  }
  return "unknown";
}

struct Metrics::Impl {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();

  Family<Counter>& events_family = prometheus::BuildCounter()
      .Name("riskd_events_total").Help("Consumed events applied to state, by payload type").Register(*registry);
  Family<Counter>& rejected_family = prometheus::BuildCounter()
      .Name("riskd_events_rejected_total").Help("Consumed messages rejected to the dead-letter topic, by reason")
      .Register(*registry);
  Counter& duplicates = prometheus::BuildCounter()
      .Name("riskd_event_duplicates_total").Help("Consumed events whose id was already applied")
      .Register(*registry).Add({});
  Counter& late = prometheus::BuildCounter()
      .Name("riskd_events_late_total").Help("Applied events that arrived later than allowed_lateness")
      .Register(*registry).Add({});
  Histogram& processing = prometheus::BuildHistogram()
      .Name("riskd_event_processing_seconds").Help("Time from receiving an event to committing its state")
      .Register(*registry).Add({}, kProcessingBuckets);
  Histogram& event_lag = prometheus::BuildHistogram()
      .Name("riskd_event_lag_seconds").Help("Time from an event's occurredAt to committing its state")
      .Register(*registry).Add({}, kEventLagBuckets);
  Family<Gauge>& consumer_lag_family = prometheus::BuildGauge()
      .Name("riskd_consumer_lag_messages").Help("Messages behind the partition's high watermark")
      .Register(*registry);
  Family<Counter>& rule_family = prometheus::BuildCounter()
      .Name("riskd_rule_fired_total").Help("Rule firings, live and shadow").Register(*registry);
  Family<Counter>& transition_family = prometheus::BuildCounter()
      .Name("riskd_level_transitions_total").Help("Risk level changes caused by events").Register(*registry);
  Counter& updates_published = prometheus::BuildCounter()
      .Name("riskd_updates_published_total").Help("RiskUpdates and dead letters delivered to Kafka")
      .Register(*registry).Add({});
  Family<Counter>& produce_errors_family = prometheus::BuildCounter()
      .Name("riskd_produce_errors_total")
      .Help("Kafka produce attempts that failed (retried, except reason too_large), by librdkafka error")
      .Register(*registry);
  Family<Counter>& client_errors_family = prometheus::BuildCounter()
      .Name("riskd_kafka_client_errors_total")
      .Help("Errors reported by librdkafka's error callback, by client and error (brokers down, fatal, ...)")
      .Register(*registry);
  Family<Gauge>& broker_up_family = prometheus::BuildGauge()
      .Name("riskd_kafka_broker_up").Help("1 while the client's connection to the broker is up (librdkafka statistics)")
      .Register(*registry);
  Gauge& ready = prometheus::BuildGauge()
      .Name("riskd_ready").Help("1 while /readyz answers 200 (state open, partitions assigned, caught up)")
      .Register(*registry).Add({});
  Counter& store_write_failures = prometheus::BuildCounter()
      .Name("riskd_store_write_failures_total").Help("RocksDB batch commits that failed and will be retried")
      .Register(*registry).Add({});
  Counter& misrouted = prometheus::BuildCounter()
      .Name("riskd_misrouted_events_total")
      .Help("Consumed messages whose key maps (kafka.partitioner) to another partition than the one they arrived on")
      .Register(*registry).Add({});
  Family<Gauge>& restore_remaining_family = prometheus::BuildGauge()
      .Name("riskd_restore_remaining_messages").Help("Changelog messages a running partition restore still has to read")
      .Register(*registry);
  Counter& restore_records = prometheus::BuildCounter()
      .Name("riskd_restore_records_total").Help("Changelog messages read by partition restores")
      .Register(*registry).Add({});
  Counter& restore_rewind = prometheus::BuildCounter()
      .Name("riskd_restore_rewind_events_total")
      .Help("Input messages fetched below their partition's stored next offset (already applied), dropped unprocessed")
      .Register(*registry).Add({});
  Gauge& standby_partitions = prometheus::BuildGauge()
      .Name("riskd_standby_partitions")
      .Help("Partitions this instance follows as a standby replica (kafka.standby_replicas)")
      .Register(*registry).Add({});
  Family<Gauge>& standby_lag_family = prometheus::BuildGauge()
      .Name("riskd_standby_lag_messages")
      .Help("Changelog messages a partition followed as a standby replica is behind")
      .Register(*registry);
  Family<Counter>& shadow_family = prometheus::BuildCounter()
      .Name("riskd_shadow_disagreements_total")
      .Help("Events and evaluate calls where the shadow config (scoring.shadow_config) disagreed with the live one")
      .Register(*registry);
  Family<Counter>& evaluations_family = prometheus::BuildCounter()
      .Name("riskd_evaluations_total").Help("Evaluate answers by action and decision").Register(*registry);
  Family<Counter>& http_family = prometheus::BuildCounter()
      .Name("riskd_http_requests_total").Help("HTTP requests by route and status code").Register(*registry);
  Family<Counter>& forwarded_family = prometheus::BuildCounter()
      .Name("riskd_http_forwarded_total")
      .Help("API requests forwarded to the instance serving the account, by route and the answer's status code")
      .Register(*registry);
  Gauge& cluster_members = prometheus::BuildGauge()
      .Name("riskd_cluster_members").Help("Live instances on the membership topic, this one included")
      .Register(*registry).Add({});
  Family<Histogram>& http_duration_family = prometheus::BuildHistogram()
      .Name("riskd_http_request_duration_seconds").Help("HTTP request handling time by route")
      .Register(*registry);
  Gauge& accounts = prometheus::BuildGauge()
      .Name("riskd_accounts").Help("Accounts with state (estimate)").Register(*registry).Add({});
  Gauge& state_bytes = prometheus::BuildGauge()
      .Name("riskd_state_bytes").Help("Live bytes of state in RocksDB (estimate)").Register(*registry).Add({});
  Gauge& rocksdb_live_data = prometheus::BuildGauge()
      .Name("riskd_rocksdb_live_data_bytes").Help("RocksDB estimate of live data bytes (rocksdb.estimate-live-data-size)")
      .Register(*registry).Add({});
  Gauge& rocksdb_pending_compaction = prometheus::BuildGauge()
      .Name("riskd_rocksdb_pending_compaction_bytes")
      .Help("Bytes compaction must rewrite to settle (rocksdb.estimate-pending-compaction-bytes)")
      .Register(*registry).Add({});
  Gauge& rocksdb_memtable = prometheus::BuildGauge()
      .Name("riskd_rocksdb_memtable_bytes").Help("Memory of all memtables (rocksdb.cur-size-all-mem-tables)")
      .Register(*registry).Add({});
  Gauge& rocksdb_cache_usage = prometheus::BuildGauge()
      .Name("riskd_rocksdb_block_cache_usage_bytes")
      .Help("Block cache in use, memtables included (they are charged to it)").Register(*registry).Add({});
  Gauge& rocksdb_cache_pinned = prometheus::BuildGauge()
      .Name("riskd_rocksdb_block_cache_pinned_bytes").Help("Block cache entries pinned in use")
      .Register(*registry).Add({});
  Gauge& rocksdb_cache_capacity = prometheus::BuildGauge()
      .Name("riskd_rocksdb_block_cache_capacity_bytes").Help("Block cache capacity (state.block_cache_bytes)")
      .Register(*registry).Add({});
  Gauge& rocksdb_write_stopped = prometheus::BuildGauge()
      .Name("riskd_rocksdb_write_stopped").Help("1 while RocksDB stops writes (rocksdb.is-write-stopped)")
      .Register(*registry).Add({});
  Gauge& rocksdb_delayed_rate = prometheus::BuildGauge()
      .Name("riskd_rocksdb_delayed_write_rate_bytes")
      .Help("Write rate RocksDB throttles to, bytes per second; 0 while writes are not delayed")
      .Register(*registry).Add({});
  Family<Counter>& rocksdb_stalls_family = prometheus::BuildCounter()
      .Name("riskd_rocksdb_write_stalls_total")
      .Help("Write stall conditions entered, by kind (slowdown: writes delayed; stop: writes stopped)")
      .Register(*registry);
  Counter& rocksdb_stall_seconds = prometheus::BuildCounter()
      .Name("riskd_rocksdb_write_stall_seconds_total").Help("Time user writes spent stalled (db.user_write_stall_micros)")
      .Register(*registry).Add({});
  Counter& rocksdb_background_errors = prometheus::BuildCounter()
      .Name("riskd_rocksdb_background_errors_total").Help("RocksDB background (flush, compaction) errors")
      .Register(*registry).Add({});
  Gauge& storage_writable = prometheus::BuildGauge()
      .Name("riskd_storage_writable")
      .Help("1 while the state store accepts writes; 0 while the state disk is below state.min_free_bytes or "
            "RocksDB holds a background error (consumption paused, /readyz 503)")
      .Register(*registry).Add({});
  Gauge& disk_free = prometheus::BuildGauge()
      .Name("riskd_state_disk_free_bytes").Help("Bytes available on the filesystem of state.dir")
      .Register(*registry).Add({});
  Counter& rocksdb_slowdowns = rocksdb_stalls_family.Add({{"kind", "slowdown"}});
  Counter& rocksdb_stops = rocksdb_stalls_family.Add({{"kind", "stop"}});
  Family<Counter>& reloads_family = prometheus::BuildCounter()
      .Name("riskd_config_reloads_total").Help("Config reloads by result").Register(*registry);
  Family<Gauge>& config_info_family = prometheus::BuildGauge()
      .Name("riskd_config_info").Help("The configVersion in force (value 1)").Register(*registry);
  Family<Gauge>& build_info_family = prometheus::BuildGauge()
      .Name("riskd_build_info").Help("riskd build version (value 1)").Register(*registry);

  Labeled<Counter> events{events_family, {"type"}};
  Labeled<Counter> rejected{rejected_family, {"reason"}};
  Labeled<Gauge> consumer_lag{consumer_lag_family, {"topic", "partition"}};
  Labeled<Gauge> restore_remaining{restore_remaining_family, {"partition"}};
  Labeled<Gauge> standby_lag{standby_lag_family, {"partition"}};
  Labeled<Counter> rules{rule_family, {"rule", "shadow"}};
  Labeled<Counter> transitions{transition_family, {"from", "to"}};
  Labeled<Counter> evaluations{evaluations_family, {"action", "decision"}};
  Labeled<Counter> http{http_family, {"route", "code"}};
  Labeled<Counter> forwarded{forwarded_family, {"route", "code"}};
  Labeled<Histogram> http_duration{http_duration_family, {"route"}, kHttpBuckets};
  Labeled<Counter> reloads{reloads_family, {"result"}};
  Labeled<Counter> produce_errors{produce_errors_family, {"reason"}};
  Labeled<Counter> client_errors{client_errors_family, {"client", "reason"}};
  Labeled<Gauge> broker_up{broker_up_family, {"client", "broker"}};

  Counter* shadow[kShadowDisagreementCount] = {};

  std::mutex config_mu;
  Gauge* config_info = nullptr;

  // The series of the last SetConsumerLags / SetKafkaBrokers, to remove
  // the ones that are gone.
  std::mutex sets_mu;
  std::set<std::pair<std::string, int32_t>> lag_keys;
  std::map<std::string, std::set<std::string>, std::less<>> broker_keys;

  // The cumulative RocksDB figures last seen, to turn them into counters.
  std::mutex rocksdb_mu;
  RocksDbFigures rocksdb_last;

  Impl() {
    const auto levels = AllNames<scoring::Level, scoring::kLevelCount>();
    for (auto t : kEventTypes) events.Precreate({t});
    for (auto r : codec::kAllRejectReasons) rejected.Precreate({r});
    for (auto r : AllNames<scoring::RuleId, scoring::kRuleCount>()) {
      rules.Precreate({r, "false"});
      rules.Precreate({r, "true"});
    }
    for (auto from : levels)
      for (auto to : levels)
        if (from != to) transitions.Precreate({from, to});
    for (auto a : AllNames<scoring::Action, scoring::kActionCount>())
      for (auto d : AllNames<scoring::Decision, scoring::kDecisionCount>()) evaluations.Precreate({a, d});
    for (int k = 0; k < kShadowDisagreementCount; ++k) {
      shadow[k] = &shadow_family.Add({{"kind", std::string(name(static_cast<ShadowDisagreement>(k)))}});
    }
    reloads.Precreate({"success"});
    reloads.Precreate({"failure"});
    // The delivery failures seen in practice (broker outage, oversized).
    for (auto r : {"msg_timed_out", "too_large"}) produce_errors.Precreate({r});
  }
};

Metrics::Metrics(std::string_view build_version) : impl_(std::make_unique<Impl>()) {
  impl_->build_info_family.Add({{"version", std::string(build_version)}}).Set(1);
}

Metrics::~Metrics() = default;

std::string Metrics::Scrape() const { return prometheus::TextSerializer().Serialize(impl_->registry->Collect()); }

prometheus::Registry& Metrics::registry() { return *impl_->registry; }

void Metrics::EventApplied(std::string_view type, int64_t n) {
  impl_->events.Get({type}).Increment(static_cast<double>(n));
}
void Metrics::EventRejected(std::string_view reason, int64_t n) {
  impl_->rejected.Get({reason}).Increment(static_cast<double>(n));
}
void Metrics::EventDuplicate(int64_t n) { impl_->duplicates.Increment(static_cast<double>(n)); }
void Metrics::EventLate(int64_t n) { impl_->late.Increment(static_cast<double>(n)); }
void Metrics::ObserveProcessingSeconds(double s) { impl_->processing.Observe(s); }
void Metrics::ObserveEventLagSeconds(double s) { impl_->event_lag.Observe(s); }

void Metrics::SetConsumerLag(const std::string& topic, int32_t partition, int64_t messages) {
  impl_->consumer_lag.Get({topic, std::to_string(partition)}).Set(static_cast<double>(messages));
}
void Metrics::RemoveConsumerLag(const std::string& topic, int32_t partition) {
  impl_->consumer_lag.Remove({topic, std::to_string(partition)});
}

void Metrics::RuleFired(std::string_view rule, bool shadow) {
  impl_->rules.Get({rule, shadow ? "true" : "false"}).Increment();
}
void Metrics::LevelTransition(std::string_view from, std::string_view to) {
  impl_->transitions.Get({from, to}).Increment();
}
void Metrics::UpdatePublished() { impl_->updates_published.Increment(); }
void Metrics::ProduceError(std::string_view reason) { impl_->produce_errors.Get({reason}).Increment(); }

void Metrics::SetConsumerLags(const std::map<std::pair<std::string, int32_t>, int64_t>& lags) {
  std::lock_guard lock(impl_->sets_mu);
  for (const auto& key : impl_->lag_keys) {
    if (!lags.count(key)) RemoveConsumerLag(key.first, key.second);
  }
  impl_->lag_keys.clear();
  for (const auto& [key, lag] : lags) {
    SetConsumerLag(key.first, key.second, lag);
    impl_->lag_keys.insert(key);
  }
}

void Metrics::KafkaClientError(std::string_view client, std::string_view reason) {
  impl_->client_errors.Get({client, reason}).Increment();
}

void Metrics::SetKafkaBrokers(std::string_view client, const std::vector<KafkaBrokerState>& brokers) {
  std::lock_guard lock(impl_->sets_mu);
  auto& known = impl_->broker_keys[std::string(client)];
  std::set<std::string> now;
  for (const auto& b : brokers) now.insert(b.broker);
  for (const auto& name : known) {
    if (!now.count(name)) impl_->broker_up.Remove({client, name});
  }
  for (const auto& b : brokers) impl_->broker_up.Get({client, b.broker}).Set(b.up ? 1 : 0);
  known = std::move(now);
}
void Metrics::StoreWriteFailure() { impl_->store_write_failures.Increment(); }
void Metrics::MisroutedEvent() { impl_->misrouted.Increment(); }
void Metrics::SetRestoreRemaining(int32_t partition, int64_t messages) {
  impl_->restore_remaining.Get({std::to_string(partition)}).Set(static_cast<double>(messages));
}
void Metrics::RemoveRestoreRemaining(int32_t partition) { impl_->restore_remaining.Remove({std::to_string(partition)}); }
void Metrics::RestoreRecords(int64_t records) { impl_->restore_records.Increment(static_cast<double>(records)); }
void Metrics::RestoreRewindEvents(int64_t messages) {
  impl_->restore_rewind.Increment(static_cast<double>(messages));
}
void Metrics::SetStandbyPartitions(int64_t n) { impl_->standby_partitions.Set(static_cast<double>(n)); }
void Metrics::SetStandbyLag(int32_t partition, int64_t messages) {
  impl_->standby_lag.Get({std::to_string(partition)}).Set(static_cast<double>(messages));
}
void Metrics::RemoveStandbyLag(int32_t partition) { impl_->standby_lag.Remove({std::to_string(partition)}); }
void Metrics::ShadowDisagreed(ShadowDisagreement kind) { impl_->shadow[static_cast<int>(kind)]->Increment(); }

void Metrics::Evaluation(std::string_view action, std::string_view decision) {
  impl_->evaluations.Get({action, decision}).Increment();
}
void Metrics::HttpRequest(std::string_view route, int code, double seconds) {
  impl_->http.Get({route, std::to_string(code)}).Increment();
  impl_->http_duration.Get({route}).Observe(seconds);
}

void Metrics::HttpForwarded(std::string_view route, int code) {
  impl_->forwarded.Get({route, std::to_string(code)}).Increment();
}
void Metrics::SetClusterMembers(int64_t n) { impl_->cluster_members.Set(static_cast<double>(n)); }

void Metrics::SetAccounts(int64_t n) { impl_->accounts.Set(static_cast<double>(n)); }
void Metrics::SetStateBytes(int64_t n) { impl_->state_bytes.Set(static_cast<double>(n)); }
void Metrics::SetRocksDb(const RocksDbFigures& f) {
  auto& i = *impl_;
  i.rocksdb_live_data.Set(static_cast<double>(f.live_data_bytes));
  i.rocksdb_pending_compaction.Set(static_cast<double>(f.pending_compaction_bytes));
  i.rocksdb_memtable.Set(static_cast<double>(f.memtable_bytes));
  i.rocksdb_cache_usage.Set(static_cast<double>(f.block_cache_usage_bytes));
  i.rocksdb_cache_pinned.Set(static_cast<double>(f.block_cache_pinned_bytes));
  i.rocksdb_cache_capacity.Set(static_cast<double>(f.block_cache_capacity_bytes));
  i.rocksdb_write_stopped.Set(f.write_stopped ? 1 : 0);
  i.rocksdb_delayed_rate.Set(static_cast<double>(f.delayed_write_rate_bytes));
  i.storage_writable.Set(f.storage_writable ? 1 : 0);
  if (f.disk_free_bytes >= 0) i.disk_free.Set(static_cast<double>(f.disk_free_bytes));
  // RocksDB counts since open; the counters grow by what is new. A figure
  // that went down (it cannot, unless reset) adds nothing.
  std::lock_guard lock(i.rocksdb_mu);
  auto grow = [](Counter& c, int64_t now, int64_t& last, double scale) {
    if (now > last) c.Increment(static_cast<double>(now - last) * scale);
    last = now;
  };
  grow(i.rocksdb_slowdowns, f.write_slowdowns, i.rocksdb_last.write_slowdowns, 1);
  grow(i.rocksdb_stops, f.write_stops, i.rocksdb_last.write_stops, 1);
  grow(i.rocksdb_stall_seconds, f.write_stall_micros, i.rocksdb_last.write_stall_micros, 1e-6);
  grow(i.rocksdb_background_errors, f.background_errors, i.rocksdb_last.background_errors, 1);
}

void Metrics::SetReady(bool ready) { impl_->ready.Set(ready ? 1 : 0); }
void Metrics::ConfigReload(bool ok) { impl_->reloads.Get({ok ? "success" : "failure"}).Increment(); }

void Metrics::SetConfigVersion(const std::string& version) {
  std::lock_guard lock(impl_->config_mu);
  if (impl_->config_info != nullptr) impl_->config_info_family.Remove(impl_->config_info);
  impl_->config_info = &impl_->config_info_family.Add({{"version", version}});
  impl_->config_info->Set(1);
}

}  // namespace riskd::metrics
