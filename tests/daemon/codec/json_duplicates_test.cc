// A key given twice in one JSON object is refused before protobuf's parser
// (which keeps the last value) sees the document.
#include "daemon/codec/json_duplicates.h"

#include <gtest/gtest.h>

#include <string>

#include "daemon/codec/json.h"
#include "riskd/v1/account_event.pb.h"
#include "riskd/v1/risk.pb.h"

namespace riskd::codec {
namespace {

namespace v1 = riskd::v1;

const google::protobuf::Descriptor* Evaluate() { return v1::EvaluateRequest::descriptor(); }

// The error's code, or "ok".
std::string Check(const std::string& json, const google::protobuf::Descriptor* d = Evaluate()) {
  Status status = CheckNoDuplicateKeys(json, d);
  return status.ok() ? "ok" : status.error().code;
}

TEST(JsonDuplicatesTest, AcceptsDistinctKeys) {
  EXPECT_EQ(Check(R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","requesterAuthenticated":false})"), "ok");
  EXPECT_EQ(Check(R"({})"), "ok");
  EXPECT_EQ(Check(R"( { "a" : [ 1 , -2.5e3 , true , null , "x" , {} , [] ] } )", nullptr), "ok");
  // Equal keys in different objects are different keys.
  EXPECT_EQ(Check(R"({"a":{"a":1},"b":{"a":2}})", nullptr), "ok");
}

TEST(JsonDuplicatesTest, RefusesTheSameKeyTwice) {
  Status status = CheckNoDuplicateKeys(
      R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","action":"OTHER"})", Evaluate());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "duplicate_field");
  EXPECT_EQ(status.error().message, "action: given more than once");
}

TEST(JsonDuplicatesTest, EscapedSpellingsOfAKeyAreTheSameKey) {
  EXPECT_EQ(Check(R"({"action":"SEND_CREDENTIALS","act\u0069on":"OTHER"})"), "duplicate_field");
  EXPECT_EQ(Check(R"({"\u0061ction":"SEND_CREDENTIALS","action":"OTHER"})"), "duplicate_field");
  EXPECT_EQ(Check(R"({"a\/b":1,"a/b":2})", nullptr), "duplicate_field");
  // A surrogate pair is one code point, the same as its UTF-8 bytes.
  EXPECT_EQ(Check("{\"\\ud83d\\ude00\":1,\"\xF0\x9F\x98\x80\":2}", nullptr), "duplicate_field");
}

TEST(JsonDuplicatesTest, TheJsonNameAndTheProtoNameOfAFieldAreTheSameKey) {
  // protobuf reads both `deliverTo` and `deliver_to` into one field.
  Status status = CheckNoDuplicateKeys(
      R"({"action":"SEND_CREDENTIALS","deliverTo":"EMAIL_ON_FILE","deliver_to":"NEW_PHONE"})", Evaluate());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "duplicate_field");
  EXPECT_EQ(status.error().message, "deliverTo: given more than once");
  // Without a schema they are two keys.
  EXPECT_EQ(Check(R"({"deliverTo":1,"deliver_to":2})", nullptr), "ok");
}

TEST(JsonDuplicatesTest, NestedObjectsAreCheckedAndNamedByPath) {
  Status status = CheckNoDuplicateKeys(R"({"eventId":"e","context":{"ip":"1.2.3.4","deviceId":"d","ip":"5.6.7.8"}})",
                                       v1::AccountEvent::descriptor());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "duplicate_field");
  EXPECT_EQ(status.error().message, "context.ip: given more than once");
  EXPECT_EQ(Check(R"({"x":{"y":{"z":1,"z":2}}})", nullptr), "duplicate_field");
  // Keys unknown to the schema are compared too (their subtrees as well).
  EXPECT_EQ(Check(R"({"extra":{"k":1,"k":2}})"), "duplicate_field");
}

TEST(JsonDuplicatesTest, ObjectsInsideArraysAreChecked) {
  Status status = CheckNoDuplicateKeys(R"({"reasons":[{"rule":"a"},{"rule":"b","points":1,"rule":"c"}]})",
                                       v1::RiskResponse::descriptor());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "reasons[1].rule: given more than once");
  EXPECT_EQ(Check(R"({"a":[[{"b":1,"b":1}]]})", nullptr), "duplicate_field");
  // The same key in two elements is fine.
  EXPECT_EQ(Check(R"({"reasons":[{"rule":"a"},{"rule":"b"}]})", v1::RiskResponse::descriptor()), "ok");
}

TEST(JsonDuplicatesTest, AnythingButStrictJsonIsMalformed) {
  // protobuf's parser is lenient (single quotes, for one); a spelling this
  // scan did not understand could hide a second key, so it is refused.
  for (const char* bad : {R"({'action':'SEND_CREDENTIALS'})", R"({action:"SEND_CREDENTIALS"})",
                          R"({"a":1,})", R"({"a":01})", R"({"a":NaN})", R"({"a":tru})", R"({"a":"x)",
                          R"({"a":1} {"a":2})", R"({"a" 1})", "{\"a\":\"\x01\"}", R"({"a":"\x"})", ""}) {
    EXPECT_EQ(Check(bad, nullptr), "malformed") << bad;
  }
  EXPECT_EQ(Check(std::string(200, '[') + std::string(200, ']'), nullptr), "malformed");  // too deep
}

TEST(JsonDuplicatesTest, MessagesDoNotEchoLongKeys) {
  const std::string key(1000, 'k');
  Status status = CheckNoDuplicateKeys("{\"" + key + "\":1,\"" + key + "\":2}", nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_LT(status.error().message.size(), 100u);
}

TEST(JsonDuplicatesTest, FromJsonRefusesDuplicatesOnlyWhenAsked) {
  const std::string json = R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","action":"OTHER"})";
  // protobuf alone keeps the last value: the request would read as OTHER.
  auto lenient = FromJson<v1::EvaluateRequest>(json);
  ASSERT_TRUE(lenient.ok());
  EXPECT_EQ(lenient->action(), v1::OTHER);
  JsonReadOptions strict;
  strict.reject_duplicate_fields = true;
  auto refused = FromJson<v1::EvaluateRequest>(json, strict);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "duplicate_field");
  EXPECT_TRUE(FromJson<v1::EvaluateRequest>(R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT"})", strict).ok());
}

}  // namespace
}  // namespace riskd::codec
