// The HTTP API of the real riskd: the SPEC section 1 incident produced over
// Kafka (mock cluster) and evaluated over HTTP; feedback read-your-writes
// through the pipeline's serialized path; auth; the ops listener; config
// reload, valid and invalid, from the file on disk.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "daemon/codec/json.h"
#include "daemon/config/tokens.h"
#include "riskd/v1/risk.pb.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSupport = "it-support-token";
constexpr const char* kAnalyst = "it-analyst-token";
constexpr const char* kAdmin = "it-admin-token";

class HttpApiTest : public IntegrationTest {
 protected:
  static RiskdConfig WithTokens() {
    RiskdConfig config;
    config.extra_yaml = TokensYaml({{"support-console", "support", kSupport},
                                    {"analyst-1", "analyst", kAnalyst},
                                    {"admin-1", "admin", kAdmin}});
    return config;
  }

  static HttpResponse Call(int port, const std::string& method, const std::string& target, const char* token,
                           const std::string& body = "") {
    std::vector<std::pair<std::string, std::string>> headers;
    if (token) headers.emplace_back("Authorization", std::string("Bearer ") + token);
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return HttpRequest(port, method, target, body, headers);
  }

  template <typename T>
  static T Parse(const HttpResponse& response) {
    auto parsed = codec::FromJson<T>(response.body);
    EXPECT_TRUE(parsed.ok()) << response.status << " " << response.body;
    return parsed.ok() ? *parsed : T{};
  }
};

constexpr const char* kSendCredentials =
    R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false})";

TEST_F(HttpApiTest, IncidentOverKafkaIsDeniedOverHttpAndFeedbackIsReadBack) {
  auto riskd = NewRiskd("riskd", WithTokens());
  riskd->Start();
  const int api = riskd->http_port();
  const int ops = riskd->metrics_port();
  ASSERT_TRUE(WaitReady(api, 60s)) << riskd->Stderr();

  // Before any event: unknown, not an error.
  auto before = Parse<v1::RiskResponse>(Call(api, "GET", "/v1/accounts/acct-42/risk", kSupport));
  EXPECT_FALSE(before.known());
  EXPECT_EQ(before.level(), v1::LOW);
  const std::string version = before.config_version();
  ASSERT_FALSE(version.empty());

  TestProducer producer(bootstrap());
  for (const auto& e : Incident("acct-42", BaseTime())) producer.Produce(kInput, e.account_id(), JsonValue(e));
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 60s)) << riskd->Stderr();

  auto evaluate = Call(api, "POST", "/v1/accounts/acct-42/evaluate", kSupport, kSendCredentials);
  ASSERT_EQ(evaluate.status, 200) << evaluate.body;
  auto decision = Parse<v1::EvaluateResponse>(evaluate);
  EXPECT_EQ(decision.decision(), v1::DENY);
  EXPECT_GE(decision.level(), v1::HIGH);
  std::set<int> forbidden(decision.forbidden_destinations().begin(), decision.forbidden_destinations().end());
  EXPECT_TRUE(forbidden.count(v1::EMAIL_ON_FILE));
  EXPECT_EQ(decision.decision_id().size(), 32u);
  EXPECT_EQ(decision.config_version(), version);

  auto risk = Parse<v1::RiskResponse>(Call(api, "GET", "/v1/accounts/acct-42/risk", kSupport));
  EXPECT_TRUE(risk.known());
  EXPECT_GE(risk.level(), v1::HIGH);
  bool email_rule = false;
  for (const auto& r : risk.reasons()) email_rule |= r.rule() == "email_reset_then_sensitive_request";
  EXPECT_TRUE(email_rule);

  // Feedback goes through the account's serialized path and is visible to
  // the very next read.
  EXPECT_EQ(Call(api, "POST", "/v1/accounts/acct-42/feedback", kSupport, R"({"label":"LEGITIMATE"})").status, 403);
  auto feedback = Call(api, "POST", "/v1/accounts/acct-42/feedback", kAnalyst,
                       R"({"label":"LEGITIMATE","note":"verified by phone"})");
  ASSERT_EQ(feedback.status, 200) << feedback.body;
  auto cleared = Parse<v1::RiskResponse>(Call(api, "GET", "/v1/accounts/acct-42/risk", kSupport));
  EXPECT_EQ(cleared.level(), v1::LOW);
  EXPECT_EQ(cleared.tainted_factors_size(), 0);
  auto compromised = Call(api, "POST", "/v1/accounts/acct-42/feedback", kAnalyst, R"({"label":"COMPROMISED"})");
  ASSERT_EQ(compromised.status, 200);
  EXPECT_EQ(Parse<v1::RiskResponse>(Call(api, "GET", "/v1/accounts/acct-42/risk", kSupport)).level(), v1::CRITICAL);

  // Auth and the two listeners.
  EXPECT_EQ(Call(api, "GET", "/v1/accounts/acct-42/risk", nullptr).status, 401);
  EXPECT_EQ(Call(api, "GET", "/v1/accounts/acct-42/risk", "nope").status, 401);
  EXPECT_EQ(Call(api, "GET", "/v1/config", kSupport).status, 403);
  EXPECT_EQ(Call(ops, "GET", "/healthz", nullptr).status, 200);
  EXPECT_EQ(Call(ops, "GET", "/v1/accounts/acct-42/risk", kSupport).status, 404);
  const std::string scrape = Call(ops, "GET", "/metrics", nullptr).body;
  EXPECT_NE(scrape.find(R"(riskd_evaluations_total{action="SEND_CREDENTIALS",decision="DENY"} 1)"), std::string::npos)
      << scrape;
  EXPECT_NE(scrape.find(R"(route="/v1/accounts/{accountId}/evaluate")"), std::string::npos);

  // The config in force, digests redacted.
  auto config = Call(api, "GET", "/v1/config", kAnalyst);
  ASSERT_EQ(config.status, 200);
  EXPECT_NE(config.body.find(version), std::string::npos);
  EXPECT_EQ(config.body.find(config::Sha256Hex(kAdmin)), std::string::npos);

  EXPECT_EQ(riskd->Terminate(), 0);
  EXPECT_EQ(riskd->Stderr().find(kSupport), std::string::npos) << "no token in the logs";
  EXPECT_EQ(riskd->Stderr().find(config::Sha256Hex(kSupport)), std::string::npos);
}

TEST_F(HttpApiTest, ReloadSwapsAValidFileAndRefusesAnInvalidOne) {
  auto riskd = NewRiskd("riskd", WithTokens());
  riskd->Start();
  const int api = riskd->http_port();
  ASSERT_TRUE(WaitReady(api, 60s)) << riskd->Stderr();
  const std::string version = Parse<v1::RiskResponse>(Call(api, "GET", "/v1/accounts/a/risk", kSupport)).config_version();

  EXPECT_EQ(Call(api, "POST", "/v1/config:reload", kAnalyst).status, 403);

  // A tuned threshold: a new configVersion, stamped on what follows.
  {
    std::ofstream out(riskd->config_path(), std::ios::app);
    out << "scoring:\n  thresholds: { medium: 25, high: 60, critical: 85 }\n";
  }
  auto reloaded = Call(api, "POST", "/v1/config:reload", kAdmin);
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  auto after = Parse<v1::RiskResponse>(Call(api, "GET", "/v1/accounts/a/risk", kSupport));
  EXPECT_NE(after.config_version(), version);
  EXPECT_NE(reloaded.body.find(after.config_version()), std::string::npos);

  // An invalid file: 422 naming every problem, the running config stays.
  {
    std::ofstream out(riskd->config_path(), std::ios::app);
    out << "no_such_section: 1\n";
  }
  auto refused = Call(api, "POST", "/v1/config:reload", kAdmin);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("no_such_section"), std::string::npos) << refused.body;
  EXPECT_EQ(Parse<v1::RiskResponse>(Call(api, "GET", "/v1/accounts/a/risk", kSupport)).config_version(),
            after.config_version());
  EXPECT_EQ(riskd->Terminate(), 0);
}

}  // namespace
}  // namespace riskd::it
