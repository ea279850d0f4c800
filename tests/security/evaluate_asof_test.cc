// A support token asks evaluate `asOf` a time before the account was
// labelled COMPROMISED. Before the fix that turned today's DENY into
// yesterday's STEP_UP with SUPPORT_PIN acceptable, and the audit trail did
// not say the answer was for another time. Now `asOf` on evaluate is for
// analyst and admin tokens only (support gets 403 `asof_not_allowed`),
// and every evaluate audit record carries the `asOf` it was given.
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/codec/json.h"
#include "riskd/v1/risk.pb.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSupport = "asof-support-token";
constexpr const char* kAnalyst = "asof-analyst-token";

HttpResponse Post(int port, const std::string& target, const char* token, const std::string& body) {
  return HttpRequest(port, "POST", target, body, {{"Authorization", std::string("Bearer ") + token}});
}

// `riskctl audit` over a stopped riskd's state: one JSON object per line.
std::vector<std::string> AuditLines(const std::filesystem::path& state) {
  std::vector<std::string> lines;
  FILE* out = ::popen((std::string(RiskctlBinary()) + " audit --state " + state.string()).c_str(), "r");
  if (!out) return lines;
  char buf[65536];
  while (std::fgets(buf, sizeof buf, out)) lines.emplace_back(buf);
  ::pclose(out);
  return lines;
}

class EvaluateAsOfTest : public IntegrationTest {};

TEST_F(EvaluateAsOfTest, SupportCannotEvaluateAsOfAnotherTime) {
  RiskdConfig config;
  config.extra_yaml = TokensYaml({{"support-console", "support", kSupport}, {"analyst-1", "analyst", kAnalyst}});
  auto riskd = NewRiskd("riskd", config);
  riskd->Start();
  const int api = riskd->http_port();
  ASSERT_TRUE(WaitReady(api, 60s)) << riskd->Stderr();

  // A known account, then an analyst's COMPROMISED label: pinned CRITICAL.
  TestProducer producer(bootstrap());
  const auto login = SuccessfulLogin("e1", "acct-7", BaseTime(), "d-home", "198.51.100.7", 64496);
  producer.Produce(kInput, "acct-7", JsonValue(login));
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 60s)) << riskd->Stderr();
  ASSERT_EQ(Post(api, "/v1/accounts/acct-7/feedback", kAnalyst, R"({"label":"COMPROMISED"})").status, 200);

  const std::string now_body = R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE"})";
  const scoring::EpochMicros hour_ago = (WallNow() - scoring::kHour) / scoring::kSecond * scoring::kSecond;
  const std::string as_of = Rfc3339(hour_ago);  // before the label
  const std::string past_body = R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE",)"
                                R"("asOf":")" + as_of + R"("})";

  auto now = Post(api, "/v1/accounts/acct-7/evaluate", kSupport, now_body);
  ASSERT_EQ(now.status, 200) << now.body;
  EXPECT_NE(now.body.find("\"decision\":\"DENY\""), std::string::npos) << now.body;

  // The attack: the same question as of an hour ago.
  auto past = Post(api, "/v1/accounts/acct-7/evaluate", kSupport, past_body);
  EXPECT_EQ(past.status, 403) << past.body;
  auto error = codec::FromJson<v1::ErrorResponse>(past.body);
  ASSERT_TRUE(error.ok()) << past.body;
  EXPECT_EQ(error->error().code(), "asof_not_allowed");
  EXPECT_EQ(past.body.find("STEP_UP"), std::string::npos);

  // An analyst may ask it (investigating what support was told then).
  auto analyst = Post(api, "/v1/accounts/acct-7/evaluate", kAnalyst, past_body);
  ASSERT_EQ(analyst.status, 200) << analyst.body;
  EXPECT_NE(analyst.body.find("\"decision\":\"STEP_UP\""), std::string::npos) << analyst.body;
  // Reading risk as of a past time decides nothing and stays open to support.
  EXPECT_EQ(GetRisk(api, "acct-7", hour_ago, kSupport).status, 200);

  ASSERT_EQ(riskd->Terminate(), 0);
  int evaluations = 0, with_as_of = 0;
  for (const std::string& line : AuditLines(riskd->state_dir())) {
    if (line.find("\"what\":\"evaluate\"") == std::string::npos) continue;
    ++evaluations;
    if (line.find("\"asOf\":\"" + as_of + "\"") != std::string::npos) {
      ++with_as_of;
      EXPECT_NE(line.find("\"who\":\"analyst-1\""), std::string::npos) << line;
      EXPECT_NE(line.find("\"outcome\":\"STEP_UP\""), std::string::npos) << line;
    }
  }
  EXPECT_EQ(evaluations, 2) << "the refused request is not audited as an evaluation";
  EXPECT_EQ(with_as_of, 1) << "the audit record of an evaluation as of another time names that time";
}

}  // namespace
}  // namespace riskd::it
