#include "daemon/config/config.h"

#include <google/protobuf/struct.pb.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "daemon/codec/json.h"
#include "daemon/config/keys.h"

namespace riskd::config {
namespace {

std::set<std::string> ProblemPaths(const LoadResult& r) {
  std::set<std::string> paths;
  for (const auto& p : r.problems) paths.insert(p.path);
  return paths;
}

// Whether the YAML document has a value at the dotted key path.
bool HasPath(const YAML::Node& node, std::string_view path) {
  if (!node.IsMap()) return false;
  const size_t dot = path.find('.');
  const YAML::Node child = node[std::string(path.substr(0, dot))];
  if (!child.IsDefined()) return false;
  return dot == std::string_view::npos || HasPath(child, path.substr(dot + 1));
}

std::string Describe(const LoadResult& r) {
  std::string out;
  for (const auto& p : r.problems) out += p.path + ": " + p.message + "\n";
  return out;
}

TEST(ConfigTest, EmptyFileGivesEveryDefault) {
  LoadResult r = ParseConfig("");
  ASSERT_TRUE(r.ok()) << Describe(r);
  const Config& c = r.config;
  EXPECT_TRUE(c.kafka.properties.empty());
  EXPECT_EQ(c.kafka.group_id, "riskd");
  EXPECT_EQ(c.kafka.input_topics, std::vector<std::string>{"account-events"});
  EXPECT_EQ(c.kafka.decisions_topic, "risk-decisions");
  EXPECT_EQ(c.kafka.decisions_format, "json");
  EXPECT_EQ(c.kafka.dead_letter_suffix, ".dlq");
  EXPECT_EQ(c.kafka.partitions_for_embedded, 4);
  EXPECT_EQ(c.kafka.batch_max_messages, 1000);
  EXPECT_EQ(c.kafka.batch_max_wait, 50 * 1000);
  EXPECT_EQ(c.kafka.changelog_topic, "");
  EXPECT_EQ(c.kafka.ChangelogTopic(), "riskd-state-changelog");
  EXPECT_EQ(c.kafka.standby_replicas, 0);
  EXPECT_EQ(c.kafka.instance_id, "");
  EXPECT_EQ(c.state.dir, "/var/lib/riskd");
  EXPECT_FALSE(c.state.sync);
  EXPECT_EQ(c.state.block_cache_bytes, 64 << 20);
  EXPECT_EQ(c.state.write_buffer_bytes, 64 << 20);
  EXPECT_EQ(c.http.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.http.threads, 2);
  EXPECT_EQ(c.http.max_header_bytes, 16 << 10);
  EXPECT_EQ(c.http.max_body_bytes, 1 << 20);
  EXPECT_EQ(c.http.read_timeout, 10 * scoring::kSecond);
  EXPECT_EQ(c.http.idle_timeout, 60 * scoring::kSecond);
  EXPECT_EQ(c.http.max_connections, 1024);
  EXPECT_FALSE(c.http.tls.enabled());
  EXPECT_EQ(c.metrics.listen, "127.0.0.1:9464");
  EXPECT_TRUE(c.auth.tokens.empty());
  EXPECT_EQ(c.log.level, "info");
  EXPECT_EQ(c.readiness.max_lag_messages, 1000);
  EXPECT_EQ(c.scoring.half_life, 72 * scoring::kHour);
  EXPECT_EQ(r.config_version, ConfigVersion(Config{}));
  EXPECT_EQ(r.config_version.size(), 16u);
  EXPECT_EQ(r.config_version.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(ConfigTest, ReadsTheSpecExample) {
  const std::string token_hash = Sha256Hex("console-token");
  LoadResult r = ParseConfig(R"(
kafka:
  properties:                    # passed to librdkafka as they are
    bootstrap.servers: "broker-1:9092,broker-2:9092"
  group_id: riskd
  input_topics: [account-events]
  decisions_topic: risk-decisions
  dead_letter_suffix: .dlq
state:
  dir: /var/lib/riskd
http:
  listen: 127.0.0.1:8080
metrics:
  listen: 127.0.0.1:9464
auth:
  tokens:
    - { name: support-console, role: support, sha256: ")" + token_hash + R"(" }
scoring:
  half_life: 72h
  allowed_lateness: 1h
  taint_period: 30d
  step_up_validity: 1h
  thresholds: { medium: 30, high: 60, critical: 85 }
  rules:
    email_reset_then_sensitive_request: { enabled: true, shadow: false, points: 60, window: 72h, email_delivery_bonus: 20 }
    failed_login_burst: { enabled: true, shadow: false, points: 20, window: 10m, count: 10 }
policy:
  SEND_CREDENTIALS: { support_minimum: STEP_UP }
)");
  ASSERT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.config.kafka.properties.at("bootstrap.servers"), "broker-1:9092,broker-2:9092");
  ASSERT_EQ(r.config.auth.tokens.size(), 1u);
  EXPECT_EQ(r.config.auth.tokens[0].name, "support-console");
  EXPECT_EQ(r.config.auth.tokens[0].role, Role::kSupport);
  EXPECT_EQ(r.config.auth.tokens[0].sha256, token_hash);
  ASSERT_TRUE(Authenticate(r.config.auth.tokens, "console-token"));
}

TEST(ConfigTest, SetsValuesOfEveryKind) {
  // TLS files must be readable; a file made here stands in for them (not
  // __FILE__: ccache may make it relative to the build directory).
  const std::string pem = ::testing::TempDir() + "/config_test_readable.pem";
  std::ofstream(pem) << "stand-in\n";
  const std::string candidate = ::testing::TempDir() + "/config_test_candidate.yaml";
  std::ofstream(candidate) << "scoring: { thresholds: { critical: 70 } }\n";
  LoadResult r = ParseConfig(R"(
kafka:
  properties: { bootstrap.servers: "b:9092", queue.buffering.max.ms: 5 }
  input_topics: [a, b]
  decisions_format: protobuf
  batch_max_wait: 500ms
  max_event_bytes: 256KiB
state: { sync: true, block_cache_bytes: 1GiB, write_buffer_bytes: 33554432 }
http:
  listen: "[::1]:0"
  read_timeout: 90s
  idle_timeout: 10m
  tls: { cert_file: ")" + pem + R"(", key_file: ")" + pem + R"(" }
log: { level: debug }
scoring:
  taint_period: 30d
  shadow_config: ")" + candidate + R"("
  rules:
    failed_login_burst: { count: 12, window: 15m, shadow: true }
policy:
  OTHER: { support_minimum: DENY, strong_at: MEDIUM }
  factors: { strong: [WEBAUTHN, ID_DOCUMENT] }
)");
  ASSERT_TRUE(r.ok()) << Describe(r);
  const Config& c = r.config;
  EXPECT_EQ(c.kafka.properties.at("queue.buffering.max.ms"), "5");
  EXPECT_EQ(c.kafka.input_topics, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.kafka.decisions_format, "protobuf");
  EXPECT_EQ(c.kafka.batch_max_wait, 500 * 1000);
  EXPECT_EQ(c.kafka.max_event_bytes, 256 * 1024);
  EXPECT_TRUE(c.state.sync);
  EXPECT_EQ(c.state.block_cache_bytes, std::int64_t{1} << 30);
  EXPECT_EQ(c.state.write_buffer_bytes, 32 << 20);
  EXPECT_EQ(c.http.listen, "[::1]:0");
  EXPECT_EQ(c.http.read_timeout, 90 * scoring::kSecond);
  EXPECT_EQ(c.http.idle_timeout, 10 * scoring::kMinute);
  EXPECT_TRUE(c.http.tls.enabled());
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.shadow_config, candidate);
  ASSERT_NE(r.shadow_scoring, nullptr);
  EXPECT_EQ(r.shadow_scoring->thresholds.critical, 70);
  EXPECT_EQ(r.shadow_version.size(), 16u);
  EXPECT_EQ(c.scoring.taint_period, 30 * scoring::kDay);
  const auto& burst = c.scoring.rule(scoring::RuleId::kFailedLoginBurst);
  EXPECT_EQ(burst.count, 12);
  EXPECT_EQ(burst.window, 15 * scoring::kMinute);
  EXPECT_TRUE(burst.shadow);
  EXPECT_EQ(c.scoring.action(scoring::Action::kOther).support_minimum, scoring::Decision::kDeny);
  EXPECT_EQ(c.scoring.action(scoring::Action::kOther).strong_at, scoring::Level::kMedium);
  EXPECT_EQ(c.scoring.strong_factors,
            (std::vector<scoring::Factor>{scoring::Factor::kWebauthn, scoring::Factor::kIdDocument}));
}

// Falco's rule loader style: one pass names every problem.
TEST(ConfigTest, NamesEveryProblemInOnePass) {
  const std::string good = Sha256Hex("t");
  LoadResult r = ParseConfig(R"(
kafak:
  group_id: oops
kafka:
  decisions_format: xml
  batch_max_wait: 50
  input_topics: [account-events, "bad topic"]
  properties:
    group.id: other
state:
  sync: maybe
  block_cache_bytes: 64MB
http:
  lisen: 127.0.0.1:8080
  threads: many
  max_connections: 0
  read_timeout: 10
  idle_timeout: 1w
  tls: { cert_file: /etc/riskd/cert.pem }
metrics:
  listen: 9464
log:
  level: loud
auth:
  tokens:
    - { name: a, role: support, sha256: ")" + good + R"(" }
    - { name: a, role: root, sha256: "not-a-hash" }
    - { name: c, role: admin, sha256: ")" + good + R"(" }
    - { role: analyst, sha256: "ABCDEF", extra: 1 }
    - { name: "tab\there", role: admin, sha256: ")" + Sha256Hex("u") + R"(" }
scoring:
  half_life: 3 days
  thresholds: { high: -5 }
  rules:
    no_such_rule: { enabled: true }
    failed_login_burst: { count: ten }
policy:
  SEND_CREDENTIALS: { support_minimum: MAYBE }
  LAUNCH_MISSILES: { support_minimum: DENY }
)");
  const std::set<std::string> expected = {
      "kafak",
      "kafka.decisions_format",
      "kafka.batch_max_wait",
      "kafka.input_topics[1]",
      "kafka.properties.group.id",
      "state.sync",
      "state.block_cache_bytes",
      "http.lisen",
      "http.threads",
      "http.max_connections",
      "http.read_timeout",
      "http.idle_timeout",
      "http.tls.key_file",
      "http.tls.cert_file",  // set but unreadable
      "metrics.listen",
      "log.level",
      "auth.tokens[1].name",
      "auth.tokens[1].role",
      "auth.tokens[1].sha256",
      "auth.tokens[2].sha256",
      "auth.tokens[3].name",
      "auth.tokens[3].sha256",
      "auth.tokens[3].extra",
      "auth.tokens[4].name",
      "scoring.half_life",
      "scoring.thresholds.high",
      "scoring.rules.no_such_rule",
      "scoring.rules.failed_login_burst.count",
      "policy.SEND_CREDENTIALS.support_minimum",
      "policy.LAUNCH_MISSILES",
  };
  EXPECT_EQ(ProblemPaths(r), expected) << Describe(r);
  // scoring.thresholds.high has two problems: negative, and below medium.
  EXPECT_EQ(r.problems.size(), expected.size() + 1) << Describe(r);
  EXPECT_TRUE(r.config_version.empty());
  // No digest, good or bad, is quoted back.
  for (const auto& p : r.problems) {
    EXPECT_EQ(p.message.find(good), std::string::npos) << p.path;
    EXPECT_EQ(p.message.find("not-a-hash"), std::string::npos) << p.path;
  }
}

TEST(ConfigTest, ProblemsCarryTheirLine) {
  LoadResult r = ParseConfig("http:\n  threads: many\n");
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].path, "http.threads");
  EXPECT_NE(r.problems[0].message.find("line 2"), std::string::npos) << r.problems[0].message;
}

TEST(ConfigTest, RejectsUnknownKeysAtEveryDepth) {
  LoadResult r = ParseConfig(R"(
extra: 1
state: { dir: /x, size: 3 }
scoring: { rules: { failed_login_burst: { email_delivery_bonus: 5 } } }
http: { tls: { ca_file: x } }
)");
  EXPECT_EQ(ProblemPaths(r),
            (std::set<std::string>{"extra", "state.size",
                                   "scoring.rules.failed_login_burst.email_delivery_bonus",
                                   "http.tls.ca_file"}))
      << Describe(r);
  for (const auto& p : r.problems) EXPECT_NE(p.message.find("unknown key"), std::string::npos);
}

TEST(ConfigTest, RejectsSectionsOfTheWrongShape) {
  LoadResult r = ParseConfig("http: 8080\nkafka: { input_topics: account-events }\n");
  EXPECT_EQ(ProblemPaths(r), (std::set<std::string>{"http", "kafka.input_topics"})) << Describe(r);
  EXPECT_FALSE(ParseConfig("[1, 2]").ok());
  EXPECT_FALSE(ParseConfig("kafka: {").ok());
  EXPECT_EQ(ProblemPaths(ParseConfig("state: { dir: a, dir: b }")),
            std::set<std::string>{"state.dir"});
}

TEST(ConfigTest, RejectsBadListenAddresses) {
  for (const char* bad : {"8080", ":8080", "127.0.0.1", "127.0.0.1:65536", "127.0.0.1:http",
                          "::1:8080", "[::1]8080", "[not-v6]:80", "300.1.1.1:80", "a b:80"}) {
    LoadResult r = ParseConfig(std::string("http: { listen: \"") + bad + "\" }");
    EXPECT_EQ(ProblemPaths(r), std::set<std::string>{"http.listen"}) << bad;
  }
  for (const char* good : {"0.0.0.0:80", "[::]:8080", "localhost:0", "riskd-0.riskd:8080"}) {
    LoadResult r = ParseConfig(std::string("http: { listen: \"") + good + "\" }");
    EXPECT_TRUE(r.ok()) << good << "\n" << Describe(r);
  }
  EXPECT_EQ(ProblemPaths(ParseConfig("metrics: { listen: 127.0.0.1:8080 }")),
            std::set<std::string>{"metrics.listen"});
}

TEST(ConfigTest, RequiresReadableTlsFiles) {
  LoadResult r = ParseConfig(
      "http: { tls: { cert_file: /nonexistent/cert.pem, key_file: /nonexistent/key.pem } }");
  EXPECT_EQ(ProblemPaths(r), (std::set<std::string>{"http.tls.cert_file", "http.tls.key_file"}))
      << Describe(r);
  for (const auto& p : r.problems) EXPECT_NE(p.message.find("cannot read"), std::string::npos);
  EXPECT_EQ(ProblemPaths(ParseConfig("scoring: { shadow_config: /nonexistent/candidate.yaml }")),
            std::set<std::string>{"scoring.shadow_config"});

  LoadOptions offline;
  offline.check_files = false;
  EXPECT_TRUE(ParseConfig(
                  "http: { tls: { cert_file: /nonexistent/cert.pem, key_file: /nonexistent/key.pem } }",
                  "config", offline)
                  .ok());
}

TEST(ConfigTest, ShadowConfigProblemsAreNamedUnderItsKey) {
  const std::string candidate = ::testing::TempDir() + "/config_test_bad_candidate.yaml";
  std::ofstream(candidate) << "scoring:\n  thresholds: { high: 90, critical: 80 }\n  half_life: soon\n"
                              "  no_such_knob: 1\n";
  LoadResult r = ParseConfig("scoring: { shadow_config: " + candidate + " }");
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(ProblemPaths(r), std::set<std::string>{"scoring.shadow_config"}) << Describe(r);
  // Every problem of the candidate, each naming the file and its own key.
  std::set<std::string> named;
  for (const auto& p : r.problems) {
    EXPECT_EQ(p.message.rfind(candidate + ": ", 0), 0u) << p.message;
    for (std::string key : {"scoring.half_life", "scoring.no_such_knob", "scoring.thresholds"}) {
      if (p.message.find(": " + key) != std::string::npos) named.insert(key);
    }
  }
  EXPECT_EQ(named.size(), 3u) << Describe(r);
  EXPECT_EQ(r.shadow_scoring, nullptr);

  // A copy of a live file, shadow key and all, is a valid candidate: its own
  // shadow_config is not followed, nor are its other files checked.
  const std::string copy = ::testing::TempDir() + "/config_test_copy_candidate.yaml";
  std::ofstream(copy) << "http: { tls: { cert_file: /nonexistent/c.pem, key_file: /nonexistent/k.pem } }\n"
                         "scoring: { shadow_config: /nonexistent/other.yaml, thresholds: { critical: 70 } }\n";
  LoadResult ok = ParseConfig("scoring: { shadow_config: " + copy + " }");
  ASSERT_TRUE(ok.ok()) << Describe(ok);
  ASSERT_NE(ok.shadow_scoring, nullptr);
  EXPECT_EQ(ok.shadow_scoring->thresholds.critical, 70);
  // The live version does not depend on the candidate's content.
  EXPECT_EQ(ok.config_version, ParseConfig("scoring: { shadow_config: " + copy + " }", "config",
                                           LoadOptions{.check_files = false}).config_version);
  EXPECT_NE(ok.shadow_version, ok.config_version);
}

TEST(ConfigTest, ChecksTopicsAgainstEachOther) {
  LoadResult r = ParseConfig(R"(
kafka:
  input_topics: [events, events, risk]
  decisions_topic: risk
  dead_letter_suffix: "/dlq"
)");
  EXPECT_EQ(ProblemPaths(r), (std::set<std::string>{"kafka.input_topics[1]",
                                                     "kafka.decisions_topic",
                                                     "kafka.dead_letter_suffix"}))
      << Describe(r);
  EXPECT_EQ(ProblemPaths(ParseConfig("kafka: { input_topics: [] }")),
            std::set<std::string>{"kafka.input_topics"});
}

TEST(ConfigTest, ChecksTheScaleOutKeys) {
  LoadResult ok = ParseConfig("kafka: { group_id: g1, instance_id: riskd-0, changelog_topic: \"\" }");
  ASSERT_TRUE(ok.ok()) << Describe(ok);
  EXPECT_EQ(ok.config.kafka.ChangelogTopic(), "g1-state-changelog");
  EXPECT_EQ(ok.config.kafka.instance_id, "riskd-0");
  LoadResult r = ParseConfig(R"(
kafka:
  changelog_topic: risk-decisions
  standby_replicas: 9
  instance_id: "riskd 0"
  properties: { group.instance.id: x }
)");
  EXPECT_EQ(ProblemPaths(r), (std::set<std::string>{"kafka.changelog_topic", "kafka.standby_replicas",
                                                     "kafka.instance_id", "kafka.properties.group.instance.id"}))
      << Describe(r);
  // Standby replicas: 0 (the default) to 8.
  for (const char* n : {"0", "1", "2", "8"}) {
    LoadResult standby = ParseConfig(std::string("kafka: { standby_replicas: ") + n + " }");
    EXPECT_TRUE(standby.ok()) << n << ": " << Describe(standby);
    EXPECT_EQ(standby.config.kafka.standby_replicas, std::stoi(n));
  }
  for (const char* n : {"-1", "9", "two"}) {
    EXPECT_EQ(ProblemPaths(ParseConfig(std::string("kafka: { standby_replicas: ") + n + " }")),
              std::set<std::string>{"kafka.standby_replicas"})
        << n;
  }
  EXPECT_EQ(ProblemPaths(ParseConfig("kafka: { changelog_topic: account-events.dlq }")),
            std::set<std::string>{"kafka.changelog_topic"});
}

TEST(ConfigTest, VersionIgnoresKeyOrderAndSpelling) {
  LoadResult a = ParseConfig(R"(
http: { read_timeout: 1m, listen: "0.0.0.0:8080" }
state: { block_cache_bytes: 128MiB }
kafka: { properties: { b: "2", a: "1" } }
)");
  LoadResult b = ParseConfig(R"(
kafka:
  properties:
    a: "1"
    b: "2"
state:
  block_cache_bytes: 134217728
http:
  listen: 0.0.0.0:8080
  read_timeout: 60s
)");
  ASSERT_TRUE(a.ok()) << Describe(a);
  ASSERT_TRUE(b.ok()) << Describe(b);
  EXPECT_EQ(a.config_version, b.config_version);
  EXPECT_EQ(a.config_version, ParseConfig(DumpEffective(a.config, false)).config_version);
  EXPECT_NE(a.config_version, ParseConfig("").config_version);
  // One knob anywhere changes it.
  LoadResult c = ParseConfig("scoring: { rules: { mfa_removed: { points: 31 } } }");
  ASSERT_TRUE(c.ok());
  EXPECT_NE(c.config_version, ParseConfig("").config_version);
}

TEST(ConfigTest, DumpReadsBackToTheSameConfig) {
  const std::string text = R"(
kafka:
  properties: { bootstrap.servers: "b:1", "odd key": "with \"quotes\"" }
auth:
  tokens:
    - { name: "support console", role: support, sha256: ")" + Sha256Hex("x") + R"(" }
scoring: { allowed_lateness: 0, rules: { reset_burst: { enabled: false } } }
)";
  LoadResult r = ParseConfig(text);
  ASSERT_TRUE(r.ok()) << Describe(r);
  const std::string yaml = DumpEffective(r.config, /*redact_secrets=*/false);
  LoadResult again = ParseConfig(yaml);
  ASSERT_TRUE(again.ok()) << Describe(again) << yaml;
  EXPECT_EQ(again.config_version, r.config_version);
  EXPECT_EQ(again.config.kafka.properties.at("odd key"), "with \"quotes\"");
  EXPECT_EQ(again.config.auth.tokens.at(0).name, "support console");

  // Every key of the table appears in the dump.
  Config copy = r.config;
  const YAML::Node dumped = YAML::Load(yaml);
  for (const Key& key : ListKeys(copy)) EXPECT_TRUE(HasPath(dumped, key.path)) << key.path;
}

TEST(ConfigTest, JsonDumpIsValidJson) {
  LoadResult r = ParseConfig("kafka: { properties: { \"x\\ny\": \"tab\\there\" } }");
  ASSERT_TRUE(r.ok()) << Describe(r);
  const std::string json = DumpEffective(r.config, true, DumpFormat::kJson);
  codec::JsonReadOptions options;
  auto parsed = codec::FromJson<google::protobuf::Struct>(json, options);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message << "\n" << json;
  const auto& http = parsed->fields().at("http").struct_value().fields();
  EXPECT_EQ(http.at("listen").string_value(), "127.0.0.1:8080");
  EXPECT_EQ(http.at("threads").number_value(), 2);
  EXPECT_EQ(http.at("read_timeout").string_value(), "10s");
}

TEST(ConfigTest, RedactsTokenDigestsAndSecretProperties) {
  const std::string digest = Sha256Hex("the-token");
  LoadResult r = ParseConfig(R"(
kafka:
  properties:
    bootstrap.servers: "broker:9092"
    sasl.password: hunter2
    ssl.key.password: hunter3
    sasl.oauthbearer.client.secret: hunter4
auth:
  tokens:
    - { name: ops, role: admin, sha256: ")" + digest + R"(" }
)");
  ASSERT_TRUE(r.ok()) << Describe(r);
  for (DumpFormat format : {DumpFormat::kYaml, DumpFormat::kJson}) {
    const std::string redacted = DumpEffective(r.config, true, format);
    EXPECT_EQ(redacted.find(digest), std::string::npos);
    EXPECT_EQ(redacted.find("hunter"), std::string::npos) << redacted;
    EXPECT_NE(redacted.find("<redacted>"), std::string::npos);
    EXPECT_NE(redacted.find("broker:9092"), std::string::npos);
    EXPECT_NE(redacted.find("ops"), std::string::npos);
    const std::string full = DumpEffective(r.config, false, format);
    EXPECT_NE(full.find(digest), std::string::npos);
  }
}

// configVersion is public (riskd_config_info, every answer): a hash over
// secrets would let anyone test guesses offline against it. Secrets enter
// it by their key names, so two configs differing only in a secret share it.
TEST(ConfigTest, ConfigVersionIgnoresSecretValues) {
  auto with = [](const std::string& digest, const std::string& password) {
    return ParseConfig(R"(
kafka:
  properties:
    sasl.password: ")" + password + R"("
    ssl.key.password: ")" + password + R"("
    ssl.keystore.password: ")" + password + R"("
    sasl.jaas.config: "user=u password=)" + password + R"("
auth:
  tokens:
    - { name: ops, role: admin, sha256: ")" + digest + R"(" }
)");
  };
  LoadResult a = with(Sha256Hex("token-one"), "hunter2");
  LoadResult b = with(Sha256Hex("token-two"), "correct horse");
  ASSERT_TRUE(a.ok()) << Describe(a);
  ASSERT_TRUE(b.ok()) << Describe(b);
  EXPECT_EQ(a.config_version, b.config_version);
  EXPECT_EQ(a.config_version, ConfigVersion(b.config));
  // The non-secret parts still count: the token's name and role, the set
  // of secret keys, anything else.
  LoadResult renamed = ParseConfig("auth: { tokens: [ { name: other, role: admin, sha256: \"" +
                                   Sha256Hex("token-one") + "\" } ] }");
  LoadResult plain = ParseConfig("auth: { tokens: [ { name: ops, role: admin, sha256: \"" +
                                 Sha256Hex("token-one") + "\" } ] }");
  LoadResult analyst = ParseConfig("auth: { tokens: [ { name: ops, role: analyst, sha256: \"" +
                                   Sha256Hex("token-one") + "\" } ] }");
  ASSERT_TRUE(renamed.ok() && plain.ok() && analyst.ok());
  EXPECT_NE(renamed.config_version, plain.config_version);
  EXPECT_NE(analyst.config_version, plain.config_version);
  EXPECT_NE(plain.config_version, a.config_version);
  // Not a secret: a changed broker list is a new version.
  Config other = a.config;
  other.kafka.properties["bootstrap.servers"] = "b:9092";
  EXPECT_NE(ConfigVersion(other), a.config_version);
}

TEST(ConfigTest, LoadsFilesAndNamesUnreadableOnes) {
  LoadResult missing = LoadConfig("/nonexistent/riskd.yaml");
  ASSERT_EQ(missing.problems.size(), 1u);
  EXPECT_EQ(missing.problems[0].path, "/nonexistent/riskd.yaml");

  const std::string path = ::testing::TempDir() + "/config_test_riskd.yaml";
  {
    std::ofstream out(path);
    out << "log: { level: warn }\n";
  }
  LoadResult loaded = LoadConfig(path);
  ASSERT_TRUE(loaded.ok()) << Describe(loaded);
  EXPECT_EQ(loaded.config.log.level, "warn");
  std::remove(path.c_str());
}

TEST(ConfigTest, SampleConfigListsEveryKeyWithItsDefault) {
  const std::string path = std::string(RISKD_SOURCE_DIR) + "/deploy/riskd.yaml";
  LoadResult sample = LoadConfig(path);
  ASSERT_TRUE(sample.ok()) << Describe(sample);
  // Defaults only, so it has the version of an empty file.
  EXPECT_EQ(sample.config_version, ParseConfig("").config_version);
  const YAML::Node root = YAML::LoadFile(path);
  Config copy;
  for (const Key& key : ListKeys(copy)) {
    EXPECT_TRUE(HasPath(root, key.path)) << key.path << " is missing from deploy/riskd.yaml";
  }
}

}  // namespace
}  // namespace riskd::config
