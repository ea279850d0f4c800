#include "daemon/config/keys.h"

namespace riskd::config {
namespace {

constexpr std::int64_t kKiB = 1 << 10;
constexpr std::int64_t kMiB = 1 << 20;
constexpr std::int64_t kGiB = std::int64_t{1} << 30;

KeyKind FromKnobKind(scoring::KnobKind kind) {
  switch (kind) {
    case scoring::KnobKind::kBool: return KeyKind::kBool;
    case scoring::KnobKind::kInt: return KeyKind::kInt;
    case scoring::KnobKind::kDouble: return KeyKind::kDouble;
    case scoring::KnobKind::kDuration: return KeyKind::kDuration;
    case scoring::KnobKind::kLevel: return KeyKind::kLevel;
    case scoring::KnobKind::kDecision: return KeyKind::kDecision;
    case scoring::KnobKind::kFactorList: return KeyKind::kFactorList;
  }
  return KeyKind::kString;
}

}  // namespace

std::vector<Key> ListKeys(Config& c) {
  using K = KeyKind;
  using scoring::kSecond;
  std::vector<Key> keys;
  auto add = [&keys](std::string path, K kind, void* target, std::string help) -> Key& {
    Key key;
    key.path = std::move(path);
    key.kind = kind;
    key.target = target;
    key.help = std::move(help);
    keys.push_back(std::move(key));
    return keys.back();
  };
  auto bounded = [](Key& k, std::int64_t min, std::int64_t max) {
    k.min = min;
    k.max = max;
  };

  add("kafka.properties", K::kStringMap, &c.kafka.properties,
      "passed to librdkafka as they are; no bootstrap.servers: embedded mock cluster");
  add("kafka.group_id", K::kString, &c.kafka.group_id, "consumer group id").non_empty = true;
  add("kafka.input_topics", K::kStringList, &c.kafka.input_topics,
      "topics of account events, co-partitioned and keyed by account id")
      .non_empty = true;
  add("kafka.decisions_topic", K::kString, &c.kafka.decisions_topic,
      "topic RiskUpdates are published to")
      .non_empty = true;
  add("kafka.decisions_format", K::kChoice, &c.kafka.decisions_format,
      "RiskUpdate encoding: json (proto3 JSON) or protobuf (binary)")
      .choices = {"json", "protobuf"};
  add("kafka.dead_letter_suffix", K::kString, &c.kafka.dead_letter_suffix,
      "rejected events go to <input topic><suffix>")
      .non_empty = true;
  add("kafka.partitioner", K::kChoice, &c.kafka.partitioner,
      "how producers map account ids to partitions (librdkafka names)")
      .choices = {"consistent_random", "consistent", "murmur2_random", "murmur2"};
  bounded(add("kafka.partitions_for_embedded", K::kInt, &c.kafka.partitions_for_embedded,
              "partitions per topic of the embedded mock cluster"),
          1, 1024);
  bounded(add("kafka.batch_max_messages", K::kInt, &c.kafka.batch_max_messages,
              "a poll batch ends at this many messages"),
          1, 100'000);
  bounded(add("kafka.batch_max_wait", K::kDuration, &c.kafka.batch_max_wait,
              "or after this long, whichever comes first"),
          1000, 60 * kSecond);
  bounded(add("kafka.max_event_bytes", K::kBytes, &c.kafka.max_event_bytes,
              "event values larger than this are rejected as too_large"),
          1 * kKiB, 64 * kMiB);
  add("kafka.changelog_topic", K::kString, &c.kafka.changelog_topic,
      "compacted topic of partition state (restore after a handoff); \"\": <group_id>-state-changelog");
  bounded(add("kafka.standby_replicas", K::kInt, &c.kafka.standby_replicas,
              "instances that follow each partition's changelog besides its owner, so a failover restores little; 0: none"),
          0, 8);
  add("kafka.instance_id", K::kString, &c.kafka.instance_id,
      "static membership (group.instance.id) and the instance's name; ${ENV} expanded; \"\": none, name <host>-<http port>");
  add("kafka.membership_topic", K::kString, &c.kafka.membership_topic,
      "compacted topic where instances announce their URL and partitions; \"\": <group_id>-members");

  add("state.dir", K::kString, &c.state.dir, "RocksDB directory of the account state")
      .non_empty = true;
  add("state.sync", K::kBool, &c.state.sync,
      "fsync the write-ahead log on every batch (survives power loss, slower)");
  bounded(add("state.block_cache_bytes", K::kBytes, &c.state.block_cache_bytes,
              "shared RocksDB block cache"),
          1 * kMiB, 64 * kGiB);
  bounded(add("state.write_buffer_bytes", K::kBytes, &c.state.write_buffer_bytes,
              "memtable memory across all column families"),
          1 * kMiB, 16 * kGiB);
  bounded(add("state.min_free_bytes", K::kBytes, &c.state.min_free_bytes,
              "below this much free space on the state disk riskd stops writing (unready, consumption paused) until "
              "there is room again; 0: no reserve"),
          0, 1024 * kGiB);

  add("http.listen", K::kListen, &c.http.listen,
      "address of the API: host:port or [v6]:port; port 0 picks a free one");
  bounded(add("http.threads", K::kInt, &c.http.threads, "HTTP I/O threads"), 1, 256);
  bounded(add("http.max_header_bytes", K::kBytes, &c.http.max_header_bytes,
              "larger request headers are refused (431)"),
          1 * kKiB, 1 * kMiB);
  bounded(add("http.max_body_bytes", K::kBytes, &c.http.max_body_bytes,
              "larger request bodies are refused (413)"),
          1 * kKiB, 64 * kMiB);
  bounded(add("http.read_timeout", K::kDuration, &c.http.read_timeout,
              "a request must arrive within this; slower clients are dropped"),
          100'000, 3600 * kSecond);
  bounded(add("http.idle_timeout", K::kDuration, &c.http.idle_timeout,
              "idle keep-alive connections are closed after this"),
          kSecond, 3600 * kSecond);
  bounded(add("http.max_connections", K::kInt, &c.http.max_connections,
              "concurrent connections; beyond it new ones are closed"),
          1, 1'000'000);
  add("http.tls.cert_file", K::kString, &c.http.tls.cert_file,
      "PEM certificate chain; empty (with key_file) serves plain HTTP");
  add("http.tls.key_file", K::kString, &c.http.tls.key_file, "PEM private key of cert_file");
  add("http.advertised_url", K::kString, &c.http.advertised_url,
      "http://host:port other instances forward requests to; ${ENV} expanded; empty: from http.listen");
  bounded(add("http.forward_timeout", K::kDuration, &c.http.forward_timeout,
              "a request forwarded to the account's owner must be answered within this, else 503"),
          10'000, 600 * kSecond);

  add("metrics.listen", K::kListen, &c.metrics.listen,
      "address of /metrics, /healthz and /readyz (also served on http.listen)");
  add("auth.tokens", K::kTokens, &c.auth.tokens,
      "API tokens as {name, role: support|analyst|admin, sha256: hex of the token}");
  add("log.level", K::kChoice, &c.log.level, "lowest level logged")
      .choices = {"debug", "info", "warn", "error"};
  bounded(add("readiness.max_lag_messages", K::kInt, &c.readiness.max_lag_messages,
              "/readyz is false while an owned partition lags more than this"),
          0, std::int64_t{1} << 40);
  bounded(add("cluster.heartbeat_interval", K::kDuration, &c.cluster.heartbeat_interval,
              "how often an instance republishes its membership record (and on every change)"),
          100'000, 600 * kSecond);
  bounded(add("cluster.member_ttl", K::kDuration, &c.cluster.member_ttl,
              "membership records older than this are ignored (instance taken for dead); >= 2x heartbeat"),
          200'000, 3600 * kSecond);
  bounded(add("audit.retention", K::kDuration, &c.audit.retention,
              "audit records (evaluate, feedback, reload) older than this are deleted"),
          scoring::kHour, 3650 * scoring::kDay);
  bounded(add("audit.max_bytes", K::kBytes, &c.audit.max_bytes,
              "the audit log's size on disk; beyond it the oldest records are deleted"),
          1 * kMiB, 1024 * kGiB);
  add("scoring.shadow_config", K::kString, &c.shadow_config,
      "a candidate config evaluated beside this one, never affecting answers; empty: none");

  for (const scoring::Knob& knob : scoring::ListKnobs(c.scoring)) {
    add(knob.path, FromKnobKind(knob.kind), knob.target, knob.help);
  }
  return keys;
}

}  // namespace riskd::config
