#include "daemon/codec/json.h"

#include <gtest/gtest.h>

#include "riskd/v1/account_event.pb.h"
#include "riskd/v1/risk.pb.h"

namespace riskd::codec {
namespace {

namespace v1 = riskd::v1;

TEST(JsonTest, ToJsonPrintsEveryPrimitiveInLowerCamelCase) {
  v1::EvaluateResponse response;
  response.set_decision(v1::STEP_UP);
  response.add_acceptable_factors(v1::TOTP);
  response.set_config_version("0123456789abcdef");
  EXPECT_EQ(ToJson(response),
            R"({"decisionId":"","decision":"STEP_UP","acceptableFactors":["TOTP"],)"
            R"("forbiddenDestinations":[],"score":0,"level":"LEVEL_UNSPECIFIED","reasons":[],)"
            R"("configVersion":"0123456789abcdef"})");
}

TEST(JsonTest, ToJsonWritesTimestampsInRfc3339) {
  v1::RiskResponse response;
  response.mutable_updated_at()->set_seconds(1795857120);
  EXPECT_NE(ToJson(response).find(R"("updatedAt":"2026-11-28T09:12:00Z")"), std::string::npos);
}

TEST(JsonTest, ToJsonReportsUnrepresentableMessagesWithoutCrashing) {
  v1::RiskResponse response;
  response.mutable_updated_at()->set_seconds(253402300800);  // year 10000
  auto tried = TryToJson(response);
  ASSERT_FALSE(tried.ok());
  EXPECT_EQ(tried.error().code, "internal");
  std::string json = ToJson(response);
  EXPECT_TRUE(json.starts_with(R"({"error":{"code":"INTERNAL","message":")")) << json;
  // And that error object is itself valid JSON.
  v1::ErrorResponse parsed;
  JsonReadOptions lenient;
  lenient.reject_unknown_fields = false;
  EXPECT_TRUE(FromJsonInto(json, &parsed, lenient).ok()) << json;
  EXPECT_EQ(parsed.error().code(), "INTERNAL");
}

TEST(JsonTest, FromJsonReadsAnEvaluateBody) {
  auto r = FromJson<v1::EvaluateRequest>(
      R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE",)"
      R"("requesterAuthenticated":false,"asOf":"2026-11-28T09:12:00Z"})");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->action(), v1::SEND_CREDENTIALS);
  EXPECT_EQ(r->channel(), v1::LIVE_CHAT);
  EXPECT_EQ(r->deliver_to(), v1::EMAIL_ON_FILE);
  EXPECT_EQ(r->as_of().seconds(), 1795857120);
}

TEST(JsonTest, FromJsonRejectsUnknownFieldsByDefault) {
  auto r = FromJson<v1::EvaluateRequest>(R"({"action":"SEND_CREDENTIALS","deliverto":"NEW_EMAIL"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unknown_field");
  EXPECT_NE(r.error().message.find("deliverto"), std::string::npos);
}

TEST(JsonTest, FromJsonCanIgnoreUnknownFields) {
  JsonReadOptions lenient;
  lenient.reject_unknown_fields = false;
  auto r = FromJson<v1::EvaluateRequest>(R"({"action":"CHANGE_EMAIL","later":{"x":1}})", lenient);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->action(), v1::CHANGE_EMAIL);
}

TEST(JsonTest, FromJsonRejectsUnknownEnumsWhateverTheOptions) {
  JsonReadOptions lenient;
  lenient.reject_unknown_fields = false;
  for (const JsonReadOptions& options : {JsonReadOptions{}, lenient}) {
    auto by_name = FromJson<v1::EvaluateRequest>(R"({"action":"LAUNCH_MISSILES"})", options);
    ASSERT_FALSE(by_name.ok());
    EXPECT_EQ(by_name.error().code, "unknown_enum");
    EXPECT_NE(by_name.error().message.find("action"), std::string::npos);
    EXPECT_EQ(by_name.error().message.find("LAUNCH_MISSILES"), std::string::npos);

    auto by_number = FromJson<v1::FeedbackRequest>(R"({"label":42})", options);
    ASSERT_FALSE(by_number.ok());
    EXPECT_EQ(by_number.error().code, "unknown_enum");
    EXPECT_NE(by_number.error().message.find("label"), std::string::npos);
  }
  // A defined number is accepted, as the proto3 JSON mapping says.
  auto defined = FromJson<v1::FeedbackRequest>(R"({"label":1})");
  ASSERT_TRUE(defined.ok());
  EXPECT_EQ(defined->label(), v1::COMPROMISED);
}

TEST(JsonTest, FromJsonFindsUnknownEnumsInsideArrays) {
  auto r = FromJson<v1::EvaluateResponse>(R"({"acceptableFactors":["TOTP","CARRIER_PIGEON"]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unknown_enum");
  EXPECT_NE(r.error().message.find("acceptableFactors[1]"), std::string::npos) << r.error().message;
}

TEST(JsonTest, FromJsonDecodesEscapedKeysLikeProtobufDoes) {
  // "\u0061ction" is "action": the enum check must see through the escape.
  auto r = FromJson<v1::EvaluateRequest>(R"({"\u0061ction":"LAUNCH_MISSILES"})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unknown_enum") << r.error().message;
  auto ok = FromJson<v1::EvaluateRequest>(R"({"\u0061ction":"DISABLE_MFA"})");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->action(), v1::DISABLE_MFA);
}

TEST(JsonTest, FromJsonNamesUnknownKeysBoundedAndPrintable) {
  std::string key(500, 'k');
  key[3] = '\x01';
  auto r = FromJson<v1::EvaluateRequest>("{\"" + key + "\":1}");
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.error().message.size(), 100u);
  EXPECT_EQ(r.error().message.find('\x01'), std::string::npos);
}

TEST(JsonTest, FromJsonRejectsMalformedBodies) {
  for (std::string_view bad : {"", "null", "[]", "{", R"({"asOf":"yesterday"})",
                               R"({"requesterAuthenticated":[true]})", R"({"action":"OTHER"}x)"}) {
    SCOPED_TRACE(bad);
    auto r = FromJson<v1::EvaluateRequest>(bad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "malformed") << r.error().message;
  }
  auto r = FromJson<v1::EvaluateRequest>(R"({"asOf":"yesterday"})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("asOf"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("yesterday"), std::string::npos);
}

TEST(JsonTest, FromJsonClearsTheTargetFirst) {
  v1::EvaluateRequest request;
  request.set_requester_authenticated(true);
  ASSERT_TRUE(FromJsonInto(R"({"action":"OTHER"})", &request).ok());
  EXPECT_FALSE(request.requester_authenticated());
}

}  // namespace
}  // namespace riskd::codec
