// Attack (on availability of a security answer): an analyst marks an
// account COMPROMISED while the broker is away, gets a 200, and the owner
// is SIGKILLed before the label left its outbox. The label reached other
// instances only through the changelog, so the next owner rebuilt the
// account without it and answered STEP_UP instead of DENY.
//
// A label is answered 200 only once the broker has its changelog record;
// otherwise 503 with Retry-After (applied here, published later, and
// harmless to apply again). After a 200 the label survives the owner's
// SIGKILL and a failover to an instance with an empty state dir.
#include <gtest/gtest.h>

#include "daemon/codec/json.h"
#include "riskd/v1/risk.pb.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSupport = "label-support-token";
constexpr const char* kAnalyst = "label-analyst-token";
constexpr const char* kSendCredentials =
    R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false})";

class LabelAckTest : public IntegrationTest {
 protected:
  static RiskdConfig Config() {
    RiskdConfig config;
    config.extra_yaml = TokensYaml({{"support-console", "support", kSupport}, {"analyst-1", "analyst", kAnalyst}});
    return config;
  }

  static HttpResponse Post(int port, const std::string& target, const char* token, const std::string& body) {
    return HttpRequest(port, "POST", target, body,
                       {{"Authorization", std::string("Bearer ") + token}, {"Content-Type", "application/json"}}, 30s);
  }

  static HttpResponse Label(int port, const std::string& account) {
    return Post(port, "/v1/accounts/" + account + "/feedback", kAnalyst,
                R"({"label":"COMPROMISED","note":"account takeover confirmed"})");
  }
};

TEST_F(LabelAckTest, LabelDuringBrokerOutageIs503AndAnAcknowledgedOneSurvivesFailover) {
  const std::string account = "label-acct-1";
  auto a = NewRiskd("a", Config());
  a->Start();
  ASSERT_TRUE(WaitReady(a->http_port(), 90s)) << a->Stderr();
  TestProducer producer(bootstrap());
  producer.Produce(kInput, account,
                   JsonValue(SuccessfulLogin("l-1", account, BaseTime(), "dev-1", "198.51.100.7", 64500)));
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 60s)) << a->Stderr();
  auto before = Post(a->http_port(), "/v1/accounts/" + account + "/evaluate", kSupport, kSendCredentials);
  ASSERT_EQ(before.status, 200) << before.body;
  ASSERT_NE(before.body.find("STEP_UP"), std::string::npos) << before.body;

  // The broker goes away: the label is applied here but cannot reach the
  // changelog, so the client is told to retry.
  ASSERT_TRUE(cluster().SetBrokerDown(1).ok());
  const auto during = Label(a->http_port(), account);
  EXPECT_EQ(during.status, 503) << during.body;
  EXPECT_FALSE(Header(during, "Retry-After").empty());
  EXPECT_NE(during.body.find(R"("code":"UNAVAILABLE")"), std::string::npos) << during.body;
  ASSERT_TRUE(cluster().SetBrokerUp(1).ok());

  // The retry is answered 200 once the broker acknowledged the record.
  HttpResponse retried;
  ASSERT_TRUE(WaitFor([&] {
    retried = Label(a->http_port(), account);
    return retried.status == 200;
  }, 120s)) << retried.status << " " << retried.body << "\n" << a->Stderr();

  // The owner dies at once; a new instance with an empty state dir takes
  // the account over from the changelog and still denies.
  a->Kill();
  auto b = NewRiskd("b", Config());
  b->Start();
  ASSERT_TRUE(WaitReady(b->http_port(), 120s)) << b->Stderr();
  const auto after = Post(b->http_port(), "/v1/accounts/" + account + "/evaluate", kSupport, kSendCredentials);
  ASSERT_EQ(after.status, 200) << after.body;
  auto decision = codec::FromJson<v1::EvaluateResponse>(after.body);
  ASSERT_TRUE(decision.ok()) << after.body;
  EXPECT_EQ(decision->decision(), v1::DENY) << after.body;
  EXPECT_EQ(decision->level(), v1::CRITICAL) << after.body;
  EXPECT_EQ(b->Terminate(), 0);
}

TEST_F(LabelAckTest, RepeatedLabelIsHarmless) {
  // A client retrying after a 503 applies the label again: the answer and
  // the decision are the same as after one.
  const std::string account = "label-acct-2";
  auto a = NewRiskd("a", Config());
  a->Start();
  ASSERT_TRUE(WaitReady(a->http_port(), 90s)) << a->Stderr();
  for (int i = 0; i < 3; ++i) {
    const auto r = Label(a->http_port(), account);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  const auto evaluate = Post(a->http_port(), "/v1/accounts/" + account + "/evaluate", kSupport, kSendCredentials);
  ASSERT_EQ(evaluate.status, 200) << evaluate.body;
  EXPECT_NE(evaluate.body.find("DENY"), std::string::npos) << evaluate.body;
  EXPECT_EQ(a->Terminate(), 0);
}

}  // namespace
}  // namespace riskd::it
