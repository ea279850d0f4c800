// What an SRE sees of the real riskd: every SPEC section 8 metric with its
// labels after real traffic (plus riskd's own Kafka, RocksDB and readiness
// figures), /healthz and /readyz bodies, logs that stay bounded under a
// flood of bad events and bad requests, and logs that never carry a token,
// its digest or an event payload.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <thread>

#include "daemon/config/tokens.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;

constexpr const char* kToken = "obs-secret-token-5d1c";
constexpr const char* kAdminToken = "obs-admin-token-9e2a";
// In event payloads and request bodies: must never reach the log.
constexpr const char* kPayloadMarker = "PAYLOAD-MARKER-c0ffee";

class ObservabilityTest : public IntegrationTest {
 protected:
  static RiskdConfig Config() {
    RiskdConfig config;
    config.kafka_properties["statistics.interval.ms"] = "1000";
    config.extra_yaml = TokensYaml({{"support-console", "support", kToken}, {"admin-1", "admin", kAdminToken}});
    return config;
  }

  static HttpResponse Get(int port, const std::string& target, const char* token = nullptr) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (token) headers.emplace_back("Authorization", std::string("Bearer ") + token);
    return HttpRequest(port, "GET", target, "", headers);
  }
  static HttpResponse Post(int port, const std::string& target, const char* token, const std::string& body) {
    std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
    if (token) headers.emplace_back("Authorization", std::string("Bearer ") + token);
    return HttpRequest(port, "POST", target, body, headers);
  }
};

// The sum of the samples of `name` whose labels include every pair of
// `labels`; -1 when there is none.
double Sample(const std::string& scrape, const std::string& name, const std::map<std::string, std::string>& labels = {}) {
  std::istringstream in(scrape);
  std::string line;
  double sum = 0;
  bool found = false;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t name_end = line.find_first_of("{ ");
    if (name_end == std::string::npos || line.compare(0, name_end, name) != 0 || name_end != name.size()) continue;
    const size_t value_at = line.rfind(' ');
    const std::string label_text = line.substr(name_end, value_at - name_end);
    bool match = true;
    for (const auto& [k, v] : labels) match &= label_text.find(k + "=\"" + v + "\"") != std::string::npos;
    if (!match) continue;
    found = true;
    sum += std::stod(line.substr(value_at + 1));
  }
  return found ? sum : -1;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// The value of a string field "key":"value" of one JSON log line.
std::string Field(const std::string& line, const std::string& key) {
  const std::string prefix = "\"" + key + "\":\"";
  const size_t at = line.find(prefix);
  if (at == std::string::npos) return "";
  const size_t start = at + prefix.size();
  return line.substr(start, line.find('"', start) - start);
}

TEST_F(ObservabilityTest, EverySpecMetricHasItsLabelsAfterTrafficAndReadinessSaysWhy) {
  auto riskd = NewRiskd("riskd", Config());
  riskd->Start();
  const int api = riskd->http_port();
  const int ops = riskd->metrics_port();

  // Liveness answers as soon as the listeners are up; readiness says why
  // not until partitions are assigned and caught up.
  bool saw_not_ready = false;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto r = Get(ops, "/readyz");
        if (r.status == 503) {
          saw_not_ready = true;
          EXPECT_TRUE(Contains(r.body, "\"ready\":false")) << r.body;
          EXPECT_FALSE(Contains(r.body, "\"reason\":\"\"")) << r.body;
        }
        return r.status == 200;
      },
      60s))
      << riskd->Stderr();
  (void)saw_not_ready;  // startup may be too quick to see; the 503 body is checked whenever it is seen
  auto ready = Get(ops, "/readyz");
  EXPECT_TRUE(Contains(ready.body, R"("ready":true)") && Contains(ready.body, R"("reason":"ok")")) << ready.body;
  auto health = Get(ops, "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  EXPECT_EQ(Get(api, "/readyz").status, 200) << "served on http.listen too";

  // Traffic: the incident over 21 accounts' worth of events, a duplicate,
  // a rejected event; an evaluation; a config reload.
  TestProducer producer(bootstrap());
  const auto incident = Incident("acct-42", BaseTime());
  for (const auto& e : incident) producer.Produce(kInput, e.account_id(), JsonValue(e));
  producer.Produce(kInput, incident[0].account_id(), JsonValue(incident[0]));  // a redelivery
  producer.Produce(kInput, "acct-42", "{not json");
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 60s)) << riskd->Stderr();
  auto evaluate = Post(api, "/v1/accounts/acct-42/evaluate", kToken,
                       R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE"})");
  ASSERT_EQ(evaluate.status, 200) << evaluate.body;
  ASSERT_EQ(Post(api, "/v1/config:reload", kAdminToken, "").status, 200);

  // The accounts count and the lag come from periodic readings: wait for
  // them to show the traffic.
  std::set<std::string> accounts;
  for (const auto& e : incident) accounts.insert(e.account_id());
  std::string scrape;
  const bool settled = WaitFor(
      [&] {
        scrape = Get(ops, "/metrics").body;
        bool lag_zero = true;
        for (int p = 0; p < kPartitions; ++p) {
          lag_zero &= Sample(scrape, "riskd_consumer_lag_messages",
                             {{"topic", kInput}, {"partition", std::to_string(p)}}) == 0;
        }
        return lag_zero && Sample(scrape, "riskd_accounts") == static_cast<double>(accounts.size());
      },
      60s);
  EXPECT_TRUE(settled) << scrape;

  // SPEC section 8, each with the labels the SPEC gives it.
  const double applied = Sample(scrape, "riskd_events_total");
  EXPECT_EQ(applied, static_cast<double>(incident.size()));
  EXPECT_GT(Sample(scrape, "riskd_events_total", {{"type", "login"}}), 0);
  EXPECT_GT(Sample(scrape, "riskd_events_total", {{"type", "password_reset"}}), 0);
  EXPECT_EQ(Sample(scrape, "riskd_events_rejected_total", {{"reason", "malformed"}}), 1);
  EXPECT_EQ(Sample(scrape, "riskd_event_duplicates_total"), 1);
  EXPECT_EQ(Sample(scrape, "riskd_event_processing_seconds_count"), incident.size() + 2.0);
  EXPECT_GT(Sample(scrape, "riskd_event_processing_seconds_bucket", {{"le", "+Inf"}}), 0);
  EXPECT_EQ(Sample(scrape, "riskd_event_lag_seconds_count"), applied);
  for (int p = 0; p < kPartitions; ++p) {
    EXPECT_EQ(Sample(scrape, "riskd_consumer_lag_messages", {{"topic", kInput}, {"partition", std::to_string(p)}}), 0)
        << "partition " << p;
  }
  EXPECT_GT(Sample(scrape, "riskd_rule_fired_total", {{"rule", "email_reset_then_sensitive_request"}, {"shadow", "false"}}), 0);
  EXPECT_EQ(Sample(scrape, "riskd_rule_fired_total", {{"shadow", "true"}}), 0);
  EXPECT_GT(Sample(scrape, "riskd_level_transitions_total", {{"from", "LOW"}}), 0);
  EXPECT_EQ(Sample(scrape, "riskd_evaluations_total", {{"action", "SEND_CREDENTIALS"}, {"decision", "DENY"}}), 1);
  const std::string evaluate_route = "/v1/accounts/{accountId}/evaluate";
  EXPECT_EQ(Sample(scrape, "riskd_http_requests_total", {{"route", evaluate_route}, {"code", "200"}}), 1);
  EXPECT_EQ(Sample(scrape, "riskd_http_request_duration_seconds_count", {{"route", evaluate_route}}), 1);
  EXPECT_GT(Sample(scrape, "riskd_http_request_duration_seconds_bucket", {{"route", evaluate_route}, {"le", "0.25"}}), 0);
  EXPECT_EQ(Sample(scrape, "riskd_accounts"), static_cast<double>(accounts.size()));
  EXPECT_GT(Sample(scrape, "riskd_state_bytes"), 0);
  EXPECT_EQ(Sample(scrape, "riskd_config_reloads_total", {{"result", "success"}}), 1);
  EXPECT_EQ(Sample(scrape, "riskd_config_reloads_total", {{"result", "failure"}}), 0);
  EXPECT_EQ(Sample(scrape, "riskd_config_info"), 1) << "one series: the version in force";
  EXPECT_TRUE(Contains(scrape, "riskd_config_info{version=\"")) << scrape;
  EXPECT_EQ(Sample(scrape, "riskd_build_info"), 1);
  EXPECT_TRUE(Contains(scrape, "riskd_build_info{version=\"")) << scrape;

  // riskd's own figures.
  EXPECT_EQ(Sample(scrape, "riskd_ready"), 1);
  EXPECT_GE(Sample(scrape, "riskd_kafka_broker_up", {{"client", "consumer"}}), 1);
  EXPECT_GE(Sample(scrape, "riskd_kafka_broker_up", {{"client", "producer"}}), 1);
  EXPECT_GT(Sample(scrape, "riskd_updates_published_total"), 0);
  EXPECT_GT(Sample(scrape, "riskd_rocksdb_memtable_bytes"), 0);
  EXPECT_GT(Sample(scrape, "riskd_rocksdb_block_cache_capacity_bytes"), 0);
  EXPECT_GE(Sample(scrape, "riskd_rocksdb_block_cache_usage_bytes"), Sample(scrape, "riskd_rocksdb_memtable_bytes"))
      << "memtables are charged to the block cache";
  EXPECT_EQ(Sample(scrape, "riskd_rocksdb_write_stopped"), 0);
  EXPECT_EQ(Sample(scrape, "riskd_rocksdb_write_stalls_total", {{"kind", "stop"}}), 0);
  EXPECT_GE(Sample(scrape, "riskd_rocksdb_write_stall_seconds_total"), 0);
  EXPECT_GE(Sample(scrape, "riskd_rocksdb_pending_compaction_bytes"), 0);
  EXPECT_GE(Sample(scrape, "riskd_rocksdb_live_data_bytes"), 0);
  EXPECT_EQ(Sample(scrape, "riskd_produce_errors_total"), 0);

  EXPECT_EQ(riskd->Terminate(), 0);
}

TEST_F(ObservabilityTest, FloodsOfBadEventsAndBadRequestsLogBoundedAndNoSecretOrPayload) {
  auto riskd = NewRiskd("riskd", Config());
  riskd->Start();
  const int api = riskd->http_port();
  ASSERT_TRUE(WaitReady(api, 60s)) << riskd->Stderr();

  // 10,000 bad events of two kinds, each carrying the marker.
  constexpr int kBad = 10'000;
  TestProducer producer(bootstrap());
  const std::string ts = R"("occurredAt":"2026-01-01T00:00:00Z")";
  for (int i = 0; i < kBad; ++i) {
    const std::string account = "acct-" + std::to_string(i % 50);
    if (i % 2 == 0) {
      producer.Produce(kInput, account, std::string("{\"eventId\":\"") + kPayloadMarker + std::to_string(i) + "\",");
    } else {
      producer.Produce(kInput, account,
                       std::string(R"({"eventId":")") + kPayloadMarker + std::to_string(i) + R"(","accountId":")" +
                           account + "\"," + ts + R"(,"login":{"result":"MAYBE"}})");
    }
  }
  // And a good one carrying the marker in its context, which is applied.
  producer.Produce(kInput, "acct-good",
                   std::string(R"({"eventId":"good-1","accountId":"acct-good",)") + ts +
                       R"(,"context":{"userAgent":")" + kPayloadMarker + R"("},"login":{"result":"SUCCESS","method":"PASSWORD"}})");
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 120s)) << riskd->Stderr().substr(0, 5000);

  // 1,000 bad requests of several kinds: a wrong token, no token, a role too
  // low, a bad body carrying the marker, an unknown path.
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(Get(api, "/v1/accounts/acct-good/risk", "wrong-token").status, 401);
    EXPECT_EQ(Get(api, "/v1/accounts/acct-good/risk").status, 401);
    EXPECT_EQ(Get(api, "/v1/config", kToken).status, 403);
    EXPECT_EQ(Post(api, "/v1/accounts/acct-good/evaluate", kToken,
                   std::string(R"({"action":")") + kPayloadMarker + "\"}")
                  .status,
              400);
    EXPECT_EQ(Get(api, std::string("/nope/") + kPayloadMarker).status, 404);
  }
  // Good requests with the token: never logged with it.
  EXPECT_EQ(Get(api, "/v1/accounts/acct-good/risk", kToken).status, 200);

  const std::string scrape = Get(riskd->metrics_port(), "/metrics").body;
  EXPECT_EQ(Sample(scrape, "riskd_events_rejected_total"), kBad) << "every rejection is counted";
  EXPECT_EQ(Sample(scrape, "riskd_events_rejected_total", {{"reason", "malformed"}}), kBad / 2);
  EXPECT_EQ(Sample(scrape, "riskd_events_rejected_total", {{"reason", "unknown_enum"}}), kBad / 2);
  EXPECT_EQ(Sample(scrape, "riskd_events_total"), 1);

  // Summaries of suppressed lines go out when a window ends or at shutdown.
  EXPECT_EQ(riskd->Terminate(), 0);
  const std::string stderr_text = riskd->Stderr();
  const auto lines = Lines(stderr_text);

  // Every line is one JSON object with level, component and message.
  for (const auto& line : lines) {
    ASSERT_TRUE(line.front() == '{' && line.back() == '}') << line;
    EXPECT_FALSE(Field(line, "level").empty()) << line;
    EXPECT_FALSE(Field(line, "component").empty()) << line;
    EXPECT_TRUE(Contains(line, "\"msg\":\"")) << line;
  }

  // Rejections: a few lines per reason, the rest counted in summaries that
  // add up to every rejection.
  std::map<std::string, int64_t> written, suppressed;
  int64_t http_written = 0, http_suppressed = 0;
  for (const auto& line : lines) {
    if (Field(line, "msg") == "event rejected to the dead-letter topic") ++written[Field(line, "reason")];
    if (Contains(line, "similar lines") && Field(line, "component") == "pipeline") {
      suppressed[Field(line, "key")] += std::stoll(Field(line, "suppressed"));
    }
    if (Field(line, "msg") == "request refused") ++http_written;
    const std::string key = Field(line, "key");  // "<route> <status>"
    if (Contains(line, "similar lines") && Field(line, "component") == "http" &&
        key.substr(key.rfind(' ') + 1).starts_with("4")) {
      http_suppressed += std::stoll(Field(line, "suppressed"));  // not the 503s of waiting for /readyz
    }
  }
  for (const std::string reason : {"malformed", "unknown_enum"}) {
    EXPECT_GE(written[reason], 1) << reason;
    EXPECT_LE(written[reason], 10 * 3) << reason << ": at most 10 a minute";
    EXPECT_EQ(written[reason] + suppressed[reason], kBad / 2) << reason;
  }
  EXPECT_LT(lines.size(), 300u) << "10,000 bad events and 1,000 bad requests, a bounded log";
  EXPECT_GE(http_written, 5);
  EXPECT_LE(http_written, 5 * 10 * 3);
  EXPECT_EQ(http_written + http_suppressed, 1000);

  // No token, no digest, no payload.
  EXPECT_FALSE(Contains(stderr_text, kToken));
  EXPECT_FALSE(Contains(stderr_text, config::Sha256Hex(kToken)));
  EXPECT_FALSE(Contains(stderr_text, config::Sha256Hex(kAdminToken)));
  EXPECT_FALSE(Contains(stderr_text, "wrong-token"));
  EXPECT_FALSE(Contains(stderr_text, kPayloadMarker)) << "an event payload or request body reached the log";
}

}  // namespace
}  // namespace riskd::it
