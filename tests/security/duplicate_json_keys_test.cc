// A client repeats a key in an evaluate body:
// {"action":"SEND_CREDENTIALS",…,"action":"OTHER"}. protobuf's JSON parser
// keeps the last value, so before the fix the request was evaluated as
// OTHER (not sensitive) and got ALLOW, while anything that read the first
// key (a log, a proxy, a reviewer) saw a credentials request. Now a key
// given twice in any object of a body, in any spelling that names the
// same field, is a 400 `duplicate_field`.
#include <string>

#include <gtest/gtest.h>

#include "daemon/codec/json.h"
#include "riskd/v1/risk.pb.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSupport = "dup-support-token";
constexpr const char* kAnalyst = "dup-analyst-token";

HttpResponse Post(int port, const std::string& target, const char* token, const std::string& body) {
  return HttpRequest(port, "POST", target, body, {{"Authorization", std::string("Bearer ") + token}});
}

std::string ErrorCode(const HttpResponse& r) {
  auto error = codec::FromJson<v1::ErrorResponse>(r.body);
  return error.ok() ? error->error().code() : "(not an error body: " + r.body + ")";
}

class DuplicateJsonKeysTest : public IntegrationTest {};

TEST_F(DuplicateJsonKeysTest, ARepeatedKeyIsRefusedNotReadAsItsLastValue) {
  RiskdConfig config;
  config.extra_yaml = TokensYaml({{"support-console", "support", kSupport}, {"analyst-1", "analyst", kAnalyst}});
  auto riskd = NewRiskd("riskd", config);
  riskd->Start();
  const int api = riskd->http_port();
  ASSERT_TRUE(WaitReady(api, 60s)) << riskd->Stderr();

  // The honest question: a credentials request through support needs STEP_UP.
  auto honest = Post(api, "/v1/accounts/acct-1/evaluate", kSupport,
                     R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE"})");
  ASSERT_EQ(honest.status, 200) << honest.body;
  EXPECT_NE(honest.body.find("\"decision\":\"STEP_UP\""), std::string::npos) << honest.body;

  for (const std::string body : {
           // The attack as reported.
           R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","action":"OTHER"})",
           // The same with the second key spelt with an escape.
           R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","act\u0069on":"OTHER"})",
           // The field's proto name names the same field.
           R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","deliver_to":"NEW_PHONE"})",
       }) {
    auto reply = Post(api, "/v1/accounts/acct-1/evaluate", kSupport, body);
    EXPECT_EQ(reply.status, 400) << body << " -> " << reply.body;
    EXPECT_EQ(ErrorCode(reply), "duplicate_field") << body;
    EXPECT_EQ(reply.body.find("ALLOW"), std::string::npos) << reply.body;
  }
  // Feedback bodies too.
  auto label = Post(api, "/v1/accounts/acct-1/feedback", kAnalyst, R"({"label":"COMPROMISED","label":"LEGITIMATE"})");
  EXPECT_EQ(label.status, 400) << label.body;
  EXPECT_EQ(ErrorCode(label), "duplicate_field");
}

}  // namespace
}  // namespace riskd::it
