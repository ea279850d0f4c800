// riskd's configuration: one YAML file (SPEC section 7), every key with a
// default. Config is the effective config (file values over defaults);
// LoadConfig/ParseConfig collect every problem in one pass, each named by
// its full key path, as Falco's rule loader does, so an operator fixes a
// file in one round.
//
// Error model: loading returns its problems as values; nothing throws.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/tokens.h"
#include "scoring/config.h"
#include "scoring/time.h"

namespace riskd::config {

struct KafkaConfig {
  // Passed to librdkafka as they are (both clients). Without
  // `bootstrap.servers` riskd starts its embedded mock cluster.
  std::map<std::string, std::string> properties;
  std::string group_id = "riskd";                           // consumer group
  std::vector<std::string> input_topics = {"account-events"};  // co-partitioned
  std::string decisions_topic = "risk-decisions";           // RiskUpdates go here
  std::string decisions_format = "json";                    // json | protobuf
  std::string dead_letter_suffix = ".dlq";                  // <input topic><suffix>
  // How producers of the input topics map keys to partitions (librdkafka
  // names): consistent_random | consistent | murmur2_random | murmur2.
  std::string partitioner = "consistent_random";
  std::int64_t partitions_for_embedded = 4;  // per topic, embedded cluster only
  std::int64_t batch_max_messages = 1000;    // a poll batch ends at this many…
  scoring::DurationMicros batch_max_wait = 50 * 1000;  // …or after this long
  std::int64_t max_event_bytes = 1 << 20;    // larger values are rejected (too_large)
  // Scale-out (issue 9). The compacted topic every partition's account state
  // is published to, co-partitioned with the input; "" means
  // "<group_id>-state-changelog" (ChangelogTopic()).
  std::string changelog_topic;
  // Instances besides the owner that follow each partition's changelog
  // (standby replicas), for a shorter failover restore; 0..8.
  std::int64_t standby_replicas = 0;
  // This instance's name: static membership (librdkafka group.instance.id,
  // so a rolling restart keeps the assignment), the membership record and
  // the Riskd-Instance header. ${ENV} is expanded at start (one ConfigMap,
  // per-pod names). "": no static membership, and the name is
  // <host name>-<http.listen port>.
  std::string instance_id;
  // Compacted one-partition topic where instances announce their URL and
  // partitions (daemon/cluster). Empty: <group_id>-members.
  std::string membership_topic;

  std::string ChangelogTopic() const {
    return changelog_topic.empty() ? group_id + "-state-changelog" : changelog_topic;
  }
  std::string MembershipTopic() const { return membership_topic.empty() ? group_id + "-members" : membership_topic; }
};

struct StateConfig {
  std::string dir = "/var/lib/riskd";           // RocksDB directory
  bool sync = false;                            // fsync the WAL on every batch
  std::int64_t block_cache_bytes = 64 << 20;    // shared LRU block cache
  std::int64_t write_buffer_bytes = 64 << 20;   // memtables, all column families
  // Writes that grow the state stop (riskd unready, consumption paused)
  // while the state filesystem has less than this available; 0: no reserve.
  std::int64_t min_free_bytes = std::int64_t{256} << 20;
};

struct AuditConfig {
  // The audit trail (one record per evaluate, feedback, reload) keeps this
  // long, and at most max_bytes on disk (the oldest go first).
  scoring::DurationMicros retention = 30 * scoring::kDay;
  std::int64_t max_bytes = std::int64_t{1} << 30;
};

struct TlsConfig {
  // Both set (and readable) or both empty.
  std::string cert_file;  // PEM chain; empty with key_file empty: plain HTTP
  std::string key_file;   // PEM private key
  bool enabled() const { return !cert_file.empty(); }
};

struct HttpConfig {
  std::string listen = "127.0.0.1:8080";        // host:port, [v6]:port; port 0 = any free
  std::int64_t threads = 2;                     // I/O threads
  std::int64_t max_header_bytes = 16 << 10;     // larger request headers: 431
  std::int64_t max_body_bytes = 1 << 20;        // larger bodies: 413
  scoring::DurationMicros read_timeout = 10 * scoring::kSecond;  // a request must arrive within
  scoring::DurationMicros idle_timeout = 60 * scoring::kSecond;  // idle keep-alive is closed after
  std::int64_t max_connections = 1024;          // beyond it new connections are closed
  TlsConfig tls;
  // How other instances reach this one (http://host:port), published in the
  // membership record. ${ENV} is expanded at start. Empty: from http.listen
  // (the host name when it binds every interface).
  std::string advertised_url;
  // A request forwarded to the account's owner must be answered within
  // this (connect + write + read), else 503.
  scoring::DurationMicros forward_timeout = 2 * scoring::kSecond;
};

struct ClusterConfig {
  // How often an instance republishes its membership record (also on every
  // change of its partitions).
  scoring::DurationMicros heartbeat_interval = 2 * scoring::kSecond;
  // A record older than this is ignored (its instance is taken for dead).
  scoring::DurationMicros member_ttl = 6 * scoring::kSecond;
};

struct MetricsConfig {
  std::string listen = "127.0.0.1:9464";  // /metrics, /healthz, /readyz
};

struct AuthConfig {
  TokenTable tokens;  // empty: every /v1 route answers 401
};

struct LogConfig {
  std::string level = "info";  // debug | info | warn | error
};

struct ReadinessConfig {
  // /readyz is false while an owned partition lags more than this.
  std::int64_t max_lag_messages = 1000;
};

struct Config {
  KafkaConfig kafka;
  StateConfig state;
  HttpConfig http;
  MetricsConfig metrics;
  AuthConfig auth;
  LogConfig log;
  ReadinessConfig readiness;
  ClusterConfig cluster;
  AuditConfig audit;
  // scoring.shadow_config: a candidate config file evaluated beside the live
  // one, never affecting answers (issue 7). Empty: none. A riskd config file
  // of its own; only its scoring.* and policy.* matter (the rest, including
  // its own shadow_config, is checked for syntax and otherwise ignored).
  std::string shadow_config;
  // scoring.* and policy.*: the knob table of scoring/config.h.
  scoring::ScoringConfig scoring;
};

struct LoadResult {
  Config config;  // defaults where the file was silent or wrong
  // Every problem found, in file order then semantic checks; empty means
  // `config` may be used. path is the full key ("http.listen",
  // "auth.tokens[1].sha256"), or the file name for whole-file problems.
  std::vector<scoring::ConfigProblem> problems;
  std::string config_version;  // ConfigVersion(config); set only when ok()
  // scoring.shadow_config, loaded (when set and LoadOptions::check_files):
  // the candidate file's scoring.* and policy.* and its own configVersion.
  // Its problems are this result's problems, under the key
  // scoring.shadow_config ("<file>: <key>: <problem>"). Null when no shadow.
  std::shared_ptr<const scoring::ScoringConfig> shadow_scoring;
  std::string shadow_version;
  bool ok() const { return problems.empty(); }
};

struct LoadOptions {
  // Check that files the config names (http.tls.cert_file, key_file,
  // scoring.shadow_config) are readable, so a bad path fails --check-config and reload rather than
  // the listener. Default true; offline tools that never serve (riskctl
  // replay on a copy of a production config) may pass false.
  bool check_files = true;
};

// Parses YAML text. `source` names the text in whole-file problems.
LoadResult ParseConfig(std::string_view yaml_text, std::string_view source = "config",
                       const LoadOptions& options = {});
// Reads and parses a file.
LoadResult LoadConfig(const std::string& path, const LoadOptions& options = {});

// The first 16 hex digits of SHA-256 over a canonical dump of the effective
// config (every key in table order, maps sorted): the same for the same
// effective config whatever the key order or spelling of the file
// (`64MiB` or `67108864`, `1h` or `60m`), across runs and machines.
// Every secret (token digests, secret-looking kafka.properties, secret
// keys) enters the hash as its key name, not its value: the version is
// public (riskd_config_info on /metrics, every answer), and a hash over a
// secret is an offline oracle for guessing it. So a change of a secret
// alone does not change the version.
std::string ConfigVersion(const Config& config);

enum class DumpFormat { kYaml, kJson };

// The effective config, every key, in table order, as YAML that
// ParseConfig accepts (unless redacted) or as JSON. With redact_secrets
// token digests and kafka.properties values whose name suggests a secret
// (password, secret, token, sasl.oauthbearer.config, ssl.key.pem) are
// replaced by "<redacted>".
std::string DumpEffective(const Config& config, bool redact_secrets,
                          DumpFormat format = DumpFormat::kYaml);

}  // namespace riskd::config
