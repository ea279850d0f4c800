// Every metric of SPEC section 8, registered in one place. Components call
// readable methods (`metrics.EventRejected("malformed")`), never registry
// code. Label sets that the event path uses are created up front, so the
// per-event path takes no registry lock; a label value seen for the first
// time (an unexpected rejection reason, a new HTTP status) is created once
// under a mutex and cached.
//
// Thread-safe. Metric names are part of the product contract.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace prometheus {
class Registry;
}

namespace riskd::metrics {

// RocksDB figures, read from RocksDB properties off the event path (see
// README.md for each one's source). Cumulative figures are counts since the
// database was opened; Metrics turns them into counters.
struct RocksDbFigures {
  int64_t live_data_bytes = 0;             // rocksdb.estimate-live-data-size
  int64_t pending_compaction_bytes = 0;    // rocksdb.estimate-pending-compaction-bytes
  int64_t memtable_bytes = 0;              // rocksdb.cur-size-all-mem-tables
  int64_t block_cache_usage_bytes = 0;     // block cache (memtables are charged to it too)
  int64_t block_cache_pinned_bytes = 0;
  int64_t block_cache_capacity_bytes = 0;
  bool write_stopped = false;              // rocksdb.is-write-stopped
  int64_t delayed_write_rate_bytes = 0;    // rocksdb.actual-delayed-write-rate; 0: not delayed
  int64_t write_slowdowns = 0;             // cumulative: io_stalls.total_slowdown over column families
  int64_t write_stops = 0;                 // cumulative: io_stalls.total_stop
  int64_t write_stall_micros = 0;          // cumulative: db.user_write_stall_micros
  int64_t background_errors = 0;           // cumulative: rocksdb.background-errors
  // The state disk (daemon/store/storage_guard.h): writes accepted, and the
  // bytes available on state.dir's filesystem (-1: unknown).
  bool storage_writable = true;
  int64_t disk_free_bytes = -1;
};

// Figures of one Kafka client (consumer or producer) from librdkafka's
// statistics.
struct KafkaBrokerState {
  std::string broker;  // librdkafka's name, "host:port/id"
  bool up = false;
};
// riskd_shadow_disagreements_total{kind}: where the candidate config of
// scoring.shadow_config answered otherwise than the live one.
enum class ShadowDisagreement {
  kLevel,     // an event: the level as of its time after applying it
  kUpdate,    // an event: one config publishes a RiskUpdate, the other not
  kDecision,  // an evaluate call: ALLOW / STEP_UP / DENY
  kFactors,   // an evaluate call: same decision, other acceptableFactors
};
inline constexpr int kShadowDisagreementCount = 4;
// The `kind` label: "level", "update", "decision", "factors".
std::string_view name(ShadowDisagreement kind);

class Metrics {
 public:
  // `build_version` is exported as riskd_build_info{version}.
  explicit Metrics(std::string_view build_version);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The Prometheus text exposition of everything registered.
  std::string Scrape() const;
  prometheus::Registry& registry();

  // --- the event path: every consumed message lands in exactly one of these three.
  // `n`: that many messages at once (the poll loop counts a batch's in one call).
  void EventApplied(std::string_view type, int64_t n = 1);  // login, password_reset, support_request, verification, account_change
  void EventRejected(std::string_view reason, int64_t n = 1);
  void EventDuplicate(int64_t n = 1);
  // Applied, but later than allowed_lateness (also counted in EventApplied).
  void EventLate(int64_t n = 1);
  void ObserveProcessingSeconds(double seconds);  // receive -> state committed
  void ObserveEventLagSeconds(double seconds);    // event time -> committed
  void SetConsumerLag(const std::string& topic, int32_t partition, int64_t messages);
  void RemoveConsumerLag(const std::string& topic, int32_t partition);
  // Replaces every riskd_consumer_lag_messages series with `lags`
  // ((topic, partition) -> messages): partitions no longer assigned vanish.
  void SetConsumerLags(const std::map<std::pair<std::string, int32_t>, int64_t>& lags);
  void RuleFired(std::string_view rule, bool shadow);
  void LevelTransition(std::string_view from, std::string_view to);
  void UpdatePublished();
  // A produce attempt that failed, by reason (librdkafka's error name in
  // lower case without its leading underscore, e.g. "msg_timed_out").
  void ProduceError(std::string_view reason);
  void StoreWriteFailure();
  // A consumed message whose key maps (kafka.partitioner) to another
  // partition than the one it arrived on (issue 9: it breaks routing).
  void MisroutedEvent();
  // riskd_restore_remaining_messages{partition}: changelog messages a
  // running restore still has to read; removed when it ends.
  void SetRestoreRemaining(int32_t partition, int64_t messages);
  void RemoveRestoreRemaining(int32_t partition);
  // riskd_restore_records_total: changelog messages read by restores (a
  // failover with a standby replica reads few).
  void RestoreRecords(int64_t records);
  // riskd_restore_rewind_events_total: input messages fetched below their
  // partition's stored next offset (already applied), dropped unprocessed.
  // Non-zero means the fetch position went back: a bug, or an input topic
  // rewound under a live state.
  void RestoreRewindEvents(int64_t messages);
  // riskd_standby_partitions: partitions followed as a standby replica;
  // riskd_standby_lag_messages{partition}: changelog messages a followed
  // partition is behind (removed when it is no longer followed).
  void SetStandbyPartitions(int64_t partitions);
  void SetStandbyLag(int32_t partition, int64_t messages);
  void RemoveStandbyLag(int32_t partition);
  void ShadowDisagreed(ShadowDisagreement kind);  // every kind is pre-created: no lock

  // --- Kafka clients (librdkafka statistics and error callbacks)
  // `client`: "consumer" or "producer".
  void KafkaClientError(std::string_view client, std::string_view reason);
  // Replaces the client's riskd_kafka_broker_up series.
  void SetKafkaBrokers(std::string_view client, const std::vector<KafkaBrokerState>& brokers);

  // --- the API
  void Evaluation(std::string_view action, std::string_view decision);
  void HttpRequest(std::string_view route, int code, double seconds);
  // A request answered by another instance (also counted in HttpRequest).
  void HttpForwarded(std::string_view route, int code);

  // --- scale-out
  void SetClusterMembers(int64_t members);

  // --- state and config
  void SetAccounts(int64_t accounts);
  void SetStateBytes(int64_t bytes);
  void SetRocksDb(const RocksDbFigures& figures);
  void ConfigReload(bool ok);
  // riskd_ready: 1 while /readyz answers 200.
  void SetReady(bool ready);
  void SetConfigVersion(const std::string& version);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riskd::metrics
