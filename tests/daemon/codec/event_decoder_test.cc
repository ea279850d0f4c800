#include "daemon/codec/event_decoder.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <cmath>
#include <limits>
#include <random>
#include <string>

namespace riskd::codec {
namespace {

namespace v1 = riskd::v1;
using google::protobuf::util::MessageDifferencer;

// 2026-11-28T10:00:00Z, the daemon's "now" in every test.
constexpr scoring::EpochMicros kNow = 1795860000LL * scoring::kSecond;
// 2026-11-28T09:12:00Z, the SPEC example's occurredAt.
constexpr std::int64_t kOccurredSeconds = 1795857120;

RawMessage Json(std::string_view value, std::optional<std::string_view> key = "acct-42") {
  return RawMessage{value, key, std::nullopt};
}

RawMessage Binary(std::string_view value, std::optional<std::string_view> key = "acct-42") {
  return RawMessage{value, key, "application/x-protobuf"};
}

// A valid binary event built with setters, independent of any JSON.
v1::AccountEvent BaseEvent() {
  v1::AccountEvent e;
  e.set_event_id("e-1");
  e.set_account_id("acct-42");
  e.mutable_occurred_at()->set_seconds(kOccurredSeconds);
  e.mutable_login()->set_result(v1::Login::SUCCESS);
  return e;
}

std::string Encode(const v1::AccountEvent& e) { return e.SerializeAsString(); }

// Asserts a rejection with `code` whose message mentions `field`; returns it.
Error ExpectRejected(const Result<v1::AccountEvent>& r, std::string_view code,
                     std::string_view field) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(field), std::string::npos)
      << "message '" << r.error().message << "' does not name " << field;
  return r.error();
}

// --- The SPEC section 2 examples, one per payload kind -------------------

constexpr const char* kContextJson =
    R"("context":{"ip":"203.0.113.7","deviceId":"d-91","userAgent":"Mozilla/5.0",)"
    R"("country":"US","asn":64500,"latitude":40.7,"longitude":-74.0,"sessionId":"s-1"})";

std::string SpecJson(std::string_view payload) {
  return std::string(R"({"eventId":"6f1c","accountId":"acct-42","occurredAt":"2026-11-28T09:12:00Z",)") +
         kContextJson + "," + std::string(payload) + "}";
}

v1::AccountEvent SpecEnvelope() {
  v1::AccountEvent e;
  e.set_event_id("6f1c");
  e.set_account_id("acct-42");
  e.mutable_occurred_at()->set_seconds(kOccurredSeconds);
  auto* c = e.mutable_context();
  c->set_ip("203.0.113.7");
  c->set_device_id("d-91");
  c->set_user_agent("Mozilla/5.0");
  c->set_country("US");
  c->set_asn(64500);
  c->set_latitude(40.7);
  c->set_longitude(-74.0);
  c->set_session_id("s-1");
  return e;
}

struct SpecExample {
  const char* name;
  const char* payload_json;
  void (*fill)(v1::AccountEvent*);
};

const SpecExample kSpecExamples[] = {
    {"login", R"("login":{"result":"SUCCESS","method":"PASSWORD","mfaPassed":false})",
     [](v1::AccountEvent* e) {
       e->mutable_login()->set_result(v1::Login::SUCCESS);
       e->mutable_login()->set_method(v1::Login::PASSWORD);
     }},
    {"passwordReset", R"("passwordReset":{"stage":"REQUESTED","channel":"EMAIL"})",
     [](v1::AccountEvent* e) {
       e->mutable_password_reset()->set_stage(v1::PasswordReset::REQUESTED);
       e->mutable_password_reset()->set_channel(v1::PasswordReset::EMAIL);
     }},
    {"supportRequest",
     R"("supportRequest":{"ticketId":"T-1","channel":"LIVE_CHAT","requestedAction":"SEND_CREDENTIALS",)"
     R"("deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false})",
     [](v1::AccountEvent* e) {
       auto* s = e->mutable_support_request();
       s->set_ticket_id("T-1");
       s->set_channel(v1::SupportRequest::LIVE_CHAT);
       s->set_requested_action(v1::SEND_CREDENTIALS);
       s->set_deliver_to(v1::EMAIL_ON_FILE);
     }},
    {"verification", R"("verification":{"method":"SUPPORT_PIN","result":"PASSED","ticketId":"T-1"})",
     [](v1::AccountEvent* e) {
       e->mutable_verification()->set_method(v1::SUPPORT_PIN);
       e->mutable_verification()->set_result(v1::Verification::PASSED);
       e->mutable_verification()->set_ticket_id("T-1");
     }},
    {"accountChange",
     R"("accountChange":{"field":"MFA","operation":"REMOVED","actor":"SELF_SERVICE"})",
     [](v1::AccountEvent* e) {
       e->mutable_account_change()->set_field(v1::AccountChange::MFA);
       e->mutable_account_change()->set_operation(v1::AccountChange::REMOVED);
       e->mutable_account_change()->set_actor(v1::AccountChange::SELF_SERVICE);
     }},
};

TEST(EventDecoderTest, SpecExamplesDecodeToTheSameEventAsTheirBinaryEncoding) {
  for (const auto& example : kSpecExamples) {
    SCOPED_TRACE(example.name);
    v1::AccountEvent expected = SpecEnvelope();
    example.fill(&expected);

    std::string json = SpecJson(example.payload_json);
    auto from_json = DecodeEvent(Json(json), kNow);
    ASSERT_TRUE(from_json.ok()) << from_json.error().code << ": " << from_json.error().message;
    std::string binary = Encode(expected);
    auto from_binary = DecodeEvent(Binary(binary), kNow);
    ASSERT_TRUE(from_binary.ok()) << from_binary.error().message;

    EXPECT_TRUE(MessageDifferencer::Equals(*from_json, expected)) << from_json->DebugString();
    EXPECT_TRUE(MessageDifferencer::Equals(*from_binary, expected));
    EXPECT_EQ(from_json->SerializeAsString(), binary);
    EXPECT_EQ(OccurredAtMicros(*from_json), kOccurredSeconds * scoring::kSecond);
  }
}

// --- Wire format choice ---------------------------------------------------

TEST(EventDecoderTest, SniffsJsonAfterLeadingWhitespace) {
  std::string json = " \r\n\t" + SpecJson(kSpecExamples[0].payload_json);
  EXPECT_TRUE(DecodeEvent(RawMessage{json, "acct-42", std::nullopt}, kNow).ok());
}

TEST(EventDecoderTest, SniffsBinaryThatStartsWithJsonWhitespace) {
  std::string binary = Encode(BaseEvent());
  ASSERT_EQ(binary[0], '\n');  // field 1, length-delimited: also JSON whitespace
  auto r = DecodeEvent(RawMessage{binary, "acct-42", std::nullopt}, kNow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->event_id(), "e-1");
}

TEST(EventDecoderTest, ContentTypeHeaderOverridesSniffing) {
  std::string json = SpecJson(kSpecExamples[0].payload_json);
  std::string binary = Encode(BaseEvent());
  // JSON bytes declared as protobuf are decoded as protobuf, and fail.
  ExpectRejected(DecodeEvent(RawMessage{json, "acct-42", "application/x-protobuf"}, kNow),
                 kRejectMalformed, "binary");
  // Binary bytes declared as JSON are decoded as JSON, and fail.
  ExpectRejected(DecodeEvent(RawMessage{binary, "acct-42", "application/json"}, kNow),
                 kRejectMalformed, "JSON");
  // Case and parameters do not matter.
  EXPECT_TRUE(
      DecodeEvent(RawMessage{json, "acct-42", "Application/JSON; charset=utf-8"}, kNow).ok());
  // An empty header counts as absent.
  EXPECT_TRUE(DecodeEvent(RawMessage{binary, "acct-42", ""}, kNow).ok());
}

TEST(EventDecoderTest, RejectsOtherContentTypes) {
  std::string json = SpecJson(kSpecExamples[0].payload_json);
  auto error = ExpectRejected(DecodeEvent(RawMessage{json, "acct-42", "text/plain"}, kNow),
                              kRejectUnsupportedContentType, "content-type");
  EXPECT_NE(error.message.find("text/plain"), std::string::npos);
  // A hostile header is shown bounded and printable.
  std::string hostile(1000, '\x01');
  error = ExpectRejected(DecodeEvent(RawMessage{json, "acct-42", hostile}, kNow),
                         kRejectUnsupportedContentType, "content-type");
  EXPECT_LT(error.message.size(), 200u);
  EXPECT_EQ(error.message.find('\x01'), std::string::npos);
}

// --- too_large --------------------------------------------------------------

TEST(EventDecoderTest, RejectsValuesOverTheSizeLimit) {
  DecodeOptions options;
  options.max_value_bytes = 64;
  std::string json = SpecJson(kSpecExamples[0].payload_json);
  ASSERT_GT(json.size(), 64u);
  ExpectRejected(DecodeEvent(Json(json), kNow, options), kRejectTooLarge, "value");

  v1::AccountEvent big = BaseEvent();
  big.mutable_context()->set_user_agent(std::string(100, 'x'));
  std::string binary = Encode(big);
  ExpectRejected(DecodeEvent(Binary(binary), kNow, options), kRejectTooLarge, "value");

  // The default limit is 1 MiB: exactly 1 MiB passes the size check.
  std::string mib(std::size_t{1} << 20, ' ');
  mib.replace(0, json.size(), json);
  EXPECT_TRUE(DecodeEvent(Json(mib), kNow).ok());
  mib += ' ';
  ExpectRejected(DecodeEvent(Json(mib), kNow), kRejectTooLarge, "value");
}

// --- malformed ----------------------------------------------------------------

TEST(EventDecoderTest, RejectsUndecodableJson) {
  for (std::string_view bad :
       {"{", "{not json}", R"({"eventId":5})", R"({"eventId":"e"} trailing)",
        R"({"occurredAt":"2026-13-28T09:12:00Z"})", R"({"login":"SUCCESS"})"}) {
    SCOPED_TRACE(bad);
    ExpectRejected(DecodeEvent(Json(bad), kNow), kRejectMalformed, "JSON");
  }
  // Not an object at all: forced JSON by header.
  ExpectRejected(DecodeEvent(RawMessage{"[1,2]", "acct-42", "application/json"}, kNow),
                 kRejectMalformed, "JSON");
}

TEST(EventDecoderTest, MalformedJsonMessageNamesTheFieldNotTheValue) {
  auto error = ExpectRejected(
      DecodeEvent(Json(R"({"occurredAt":"secret-looking-value"})"), kNow), kRejectMalformed,
      "occurredAt");
  EXPECT_EQ(error.message.find("secret-looking-value"), std::string::npos);
  error = ExpectRejected(DecodeEvent(Json(R"({"eventId":"x"} secret-tail)"), kNow),
                         kRejectMalformed, "JSON");
  EXPECT_EQ(error.message.find("secret-tail"), std::string::npos);
}

TEST(EventDecoderTest, RejectsUndecodableBinary) {
  ExpectRejected(DecodeEvent(Binary("\xff\xff\xff\xff"), kNow), kRejectMalformed, "binary");
  std::string truncated = Encode(BaseEvent());
  truncated.pop_back();
  ExpectRejected(DecodeEvent(Binary(truncated), kNow), kRejectMalformed, "binary");
  // proto3 strings must be UTF-8.
  v1::AccountEvent e = BaseEvent();
  e.set_event_id("e-\xff");
  const std::string invalid_utf8 = e.SerializePartialAsString();
  // ... and saying so is the rejection's job, not an unstructured stderr line.
  ::testing::internal::CaptureStderr();
  auto r = DecodeEvent(Binary(invalid_utf8), kNow);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  ExpectRejected(r, kRejectMalformed, "binary");
}

TEST(EventDecoderTest, SurvivesDeeplyNestedJson) {
  // Inside an unknown field, so only the parsers' depth limits stand between
  // this input and a stack overflow.
  std::string deep = R"({"eventId":"e","x":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  ExpectRejected(DecodeEvent(Json(deep), kNow), kRejectMalformed, "JSON");
}

TEST(EventDecoderTest, ScansLargeUnknownSubtreesInLinearTime) {
  // A long unknown key holding a long array: building a path per element
  // would copy the key 200k times (tens of GB). Must finish promptly.
  std::string json = SpecJson(kSpecExamples[0].payload_json);
  std::string filler = "\"" + std::string(400000, 'k') + "\":[";
  for (int i = 0; i < 200000; ++i) filler += "1,";
  filler += "1],";
  json.insert(1, filler);
  ASSERT_LT(json.size(), std::size_t{1} << 20);
  auto r = DecodeEvent(Json(json), kNow);
  EXPECT_TRUE(r.ok()) << r.error().message;
}

// --- unknown_enum --------------------------------------------------------------

TEST(EventDecoderTest, RejectsUnknownEnumNameInJson) {
  std::string json = SpecJson(R"("login":{"result":"MAYBE"})");
  auto error = ExpectRejected(DecodeEvent(Json(json), kNow), kRejectUnknownEnum, "login.result");
  EXPECT_EQ(error.message.find("MAYBE"), std::string::npos);
  // Names are exact: the lower-case spelling is unknown too.
  json = SpecJson(R"("login":{"result":"success"})");
  ExpectRejected(DecodeEvent(Json(json), kNow), kRejectUnknownEnum, "login.result");
  // Also for an optional enum, and beside an unknown field.
  json = SpecJson(R"("supportRequest":{"channel":"LIVE_CHAT","requestedAction":"OTHER",)"
                  R"("deliverTo":"CARRIER_PIGEON","newField":1})");
  ExpectRejected(DecodeEvent(Json(json), kNow), kRejectUnknownEnum, "supportRequest.deliverTo");
}

TEST(EventDecoderTest, RejectsUndefinedEnumNumberInJsonAndBinary) {
  std::string json = SpecJson(R"("verification":{"method":99,"result":"PASSED"})");
  ExpectRejected(DecodeEvent(Json(json), kNow), kRejectUnknownEnum, "verification.method");

  v1::AccountEvent e = BaseEvent();
  e.clear_login();
  e.mutable_verification()->set_result(v1::Verification::PASSED);
  auto* v = e.mutable_verification();
  v->GetReflection()->SetEnumValue(v, v->GetDescriptor()->FindFieldByName("method"), 99);
  ExpectRejected(DecodeEvent(Binary(Encode(e)), kNow), kRejectUnknownEnum, "verification.method");
}

// --- missing_field ---------------------------------------------------------------

TEST(EventDecoderTest, RejectsMissingEnvelopeFields) {
  const char* login = R"("login":{"result":"SUCCESS"})";
  struct Case {
    const char* field;
    std::string json;
    void (*clear)(v1::AccountEvent*);
  } cases[] = {
      {"eventId", std::string(R"({"accountId":"acct-42","occurredAt":"2026-11-28T09:12:00Z",)") +
                      login + "}",
       [](v1::AccountEvent* e) { e->clear_event_id(); }},
      {"accountId", std::string(R"({"eventId":"e-1","occurredAt":"2026-11-28T09:12:00Z",)") +
                        login + "}",
       [](v1::AccountEvent* e) { e->clear_account_id(); }},
      {"occurredAt", std::string(R"({"eventId":"e-1","accountId":"acct-42",)") + login + "}",
       [](v1::AccountEvent* e) { e->clear_occurred_at(); }},
      {"eventId", std::string(R"({"eventId":"","accountId":"acct-42","occurredAt":"2026-11-28T09:12:00Z",)") +
                      login + "}",
       [](v1::AccountEvent* e) { e->set_event_id(""); }},
      {"occurredAt", std::string(R"({"eventId":"e-1","accountId":"acct-42","occurredAt":null,)") + login + "}",
       [](v1::AccountEvent* e) { e->clear_occurred_at(); }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.json);
    ExpectRejected(DecodeEvent(Json(c.json), kNow), kRejectMissingField, c.field);
    v1::AccountEvent e = BaseEvent();
    c.clear(&e);
    ExpectRejected(DecodeEvent(Binary(Encode(e)), kNow), kRejectMissingField, c.field);
  }
}

TEST(EventDecoderTest, RejectsPayloadsWithoutTheirRequiredEnums) {
  struct Case {
    const char* field;
    const char* payload_json;
    void (*fill)(v1::AccountEvent*);
  } cases[] = {
      {"login.result", R"("login":{"method":"PASSWORD"})",
       [](v1::AccountEvent* e) { e->mutable_login()->set_method(v1::Login::PASSWORD); }},
      {"login.result", R"("login":{"result":"RESULT_UNSPECIFIED"})",
       [](v1::AccountEvent* e) { e->mutable_login(); }},
      {"passwordReset.stage", R"("passwordReset":{"channel":"EMAIL"})",
       [](v1::AccountEvent* e) { e->mutable_password_reset()->set_channel(v1::PasswordReset::EMAIL); }},
      {"passwordReset.channel", R"("passwordReset":{"stage":"COMPLETED"})",
       [](v1::AccountEvent* e) { e->mutable_password_reset()->set_stage(v1::PasswordReset::COMPLETED); }},
      {"supportRequest.channel", R"("supportRequest":{"requestedAction":"SEND_CREDENTIALS"})",
       [](v1::AccountEvent* e) { e->mutable_support_request()->set_requested_action(v1::SEND_CREDENTIALS); }},
      {"supportRequest.requestedAction", R"("supportRequest":{"channel":"PHONE"})",
       [](v1::AccountEvent* e) { e->mutable_support_request()->set_channel(v1::SupportRequest::PHONE); }},
      {"verification.method", R"("verification":{"result":"FAILED"})",
       [](v1::AccountEvent* e) { e->mutable_verification()->set_result(v1::Verification::FAILED); }},
      {"verification.result", R"("verification":{"method":"TOTP"})",
       [](v1::AccountEvent* e) { e->mutable_verification()->set_method(v1::TOTP); }},
      {"accountChange.field", R"("accountChange":{"operation":"ADDED"})",
       [](v1::AccountEvent* e) { e->mutable_account_change()->set_operation(v1::AccountChange::ADDED); }},
      {"accountChange.operation", R"("accountChange":{"field":"PHONE"})",
       [](v1::AccountEvent* e) { e->mutable_account_change()->set_field(v1::AccountChange::PHONE); }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.payload_json);
    ExpectRejected(DecodeEvent(Json(SpecJson(c.payload_json)), kNow), kRejectMissingField, c.field);
    v1::AccountEvent e = BaseEvent();
    e.clear_login();
    c.fill(&e);
    ExpectRejected(DecodeEvent(Binary(Encode(e)), kNow), kRejectMissingField, c.field);
  }
}

TEST(EventDecoderTest, AcceptsPayloadsWithoutTheirOptionalFields) {
  for (const char* payload :
       {R"("login":{"result":"FAILURE"})",
        R"("supportRequest":{"channel":"TICKET","requestedAction":"OTHER"})",
        R"("verification":{"method":"ID_DOCUMENT","result":"PASSED"})",
        R"("accountChange":{"field":"API_KEY","operation":"CHANGED"})"}) {
    std::string json = std::string(R"({"eventId":"e","accountId":"acct-42","occurredAt":"2026-11-28T09:12:00Z",)") +
                       payload + "}";
    auto r = DecodeEvent(Json(json), kNow);
    EXPECT_TRUE(r.ok()) << payload << ": " << r.error().message;
  }
}

// --- invalid_field --------------------------------------------------------------------

TEST(EventDecoderTest, RejectsIdsLongerThan128Bytes) {
  for (const char* field : {"eventId", "accountId"}) {
    SCOPED_TRACE(field);
    v1::AccountEvent e = BaseEvent();
    std::string at_limit(128, 'a');
    std::string over(129, 'a');
    bool is_event = std::string_view(field) == "eventId";
    is_event ? e.set_event_id(at_limit) : e.set_account_id(at_limit);
    std::string b = Encode(e);
    EXPECT_TRUE(DecodeEvent(Binary(b, std::nullopt), kNow).ok());
    is_event ? e.set_event_id(over) : e.set_account_id(over);
    b = Encode(e);
    ExpectRejected(DecodeEvent(Binary(b, std::nullopt), kNow), kRejectInvalidField, field);

    std::string json = std::string(R"({"eventId":")") + (is_event ? over : "e") +
                       R"(","accountId":")" + (is_event ? "a" : over) +
                       R"(","occurredAt":"2026-11-28T09:12:00Z","login":{"result":"SUCCESS"}})";
    ExpectRejected(DecodeEvent(Json(json, std::nullopt), kNow), kRejectInvalidField, field);
  }
}

// Sets the field of `path` (a row of kStringFieldLimits) on an event whose
// payload carries it.
v1::AccountEvent EventWithField(std::string_view path, const std::string& value) {
  v1::AccountEvent e = BaseEvent();
  if (path == "eventId") e.set_event_id(value);
  if (path == "accountId") e.set_account_id(value);
  if (path == "context.ip") e.mutable_context()->set_ip(value);
  if (path == "context.deviceId") e.mutable_context()->set_device_id(value);
  if (path == "context.userAgent") e.mutable_context()->set_user_agent(value);
  if (path == "context.country") e.mutable_context()->set_country(value);
  if (path == "context.sessionId") e.mutable_context()->set_session_id(value);
  if (path == "supportRequest.ticketId" || path == "verification.ticketId") {
    e.clear_login();
    if (path == "supportRequest.ticketId") {
      auto* p = e.mutable_support_request();
      p->set_ticket_id(value);
      p->set_channel(v1::SupportRequest::PHONE);
      p->set_requested_action(v1::SEND_CREDENTIALS);
    } else {
      auto* p = e.mutable_verification();
      p->set_ticket_id(value);
      p->set_method(v1::TOTP);
      p->set_result(v1::Verification::PASSED);
    }
  }
  return e;
}

TEST(EventDecoderTest, EveryStringFieldIsAcceptedAtItsLimitAndRejectedPastIt) {
  for (const StringFieldLimit& limit : kStringFieldLimits) {
    SCOPED_TRACE(std::string(limit.path));
    v1::AccountEvent e = EventWithField(limit.path, std::string(limit.max_bytes, 'x'));
    ASSERT_EQ(limit.value(e).size(), limit.max_bytes) << "the test sets no such field";
    auto ok = DecodeEvent(Binary(Encode(e), std::nullopt), kNow);
    EXPECT_TRUE(ok.ok()) << ok.error().message;
    // The same event in its JSON form: the limit is the same for both.
    std::string json;
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(e, &json).ok());
    EXPECT_TRUE(DecodeEvent(Json(json, std::nullopt), kNow).ok());

    e = EventWithField(limit.path, std::string(limit.max_bytes + 1, 'x'));
    auto err = ExpectRejected(DecodeEvent(Binary(Encode(e), std::nullopt), kNow),
                              kRejectInvalidField, limit.path);
    EXPECT_EQ(err.message.find("xxxx"), std::string::npos) << "the message carries the value";
    json.clear();
    ASSERT_TRUE(google::protobuf::util::MessageToJsonString(e, &json).ok());
    ExpectRejected(DecodeEvent(Json(json, std::nullopt), kNow), kRejectInvalidField, limit.path);
  }
}

// The scenario of the oversized-state report: a 4 KB device id.
TEST(EventDecoderTest, RejectsAFourKilobyteDeviceId) {
  std::string json = SpecJson(R"("login":{"result":"FAILURE"})");
  json.replace(json.find("d-91"), 4, std::string(4096, 'd'));
  ExpectRejected(DecodeEvent(Json(json), kNow), kRejectInvalidField, "context.deviceId");
}

// Producers read the limits in daemon/codec/README.md: it lists exactly the
// table's rows, with the same numbers.
TEST(EventDecoderTest, ReadmeListsTheFieldLimitsOfTheTable) {
  std::ifstream in(std::string(RISKD_SOURCE_DIR) + "/daemon/codec/README.md");
  ASSERT_TRUE(in) << "daemon/codec/README.md not found";
  std::map<std::string, std::size_t> documented;
  std::string line;
  while (std::getline(in, line)) {
    // | `context.deviceId` | 256 |
    if (line.rfind("| `", 0) != 0) continue;
    const auto end = line.find('`', 3);
    const auto bar = line.find('|', end);
    if (end == std::string::npos || bar == std::string::npos) continue;
    const std::string number = line.substr(bar + 1);
    if (number.find_first_of("0123456789") == std::string::npos ||
        number.find_first_not_of("0123456789 |") != std::string::npos) {
      continue;  // another table of the README
    }
    documented[line.substr(3, end - 3)] = std::stoul(number);
  }
  std::map<std::string, std::size_t> table;
  for (const auto& limit : kStringFieldLimits) table[std::string(limit.path)] = limit.max_bytes;
  EXPECT_EQ(documented, table);
}

TEST(EventDecoderTest, RejectsOutOfRangeCoordinates) {
  std::string json = SpecJson(R"("login":{"result":"SUCCESS"})");
  json.replace(json.find("40.7"), 4, "91");
  ExpectRejected(DecodeEvent(Json(json), kNow), kRejectInvalidField, "context.latitude");
  json = SpecJson(R"("login":{"result":"SUCCESS"})");
  json.replace(json.find("-74.0"), 5, R"("NaN")");
  ExpectRejected(DecodeEvent(Json(json), kNow), kRejectInvalidField, "context.longitude");

  v1::AccountEvent e = BaseEvent();
  e.mutable_context()->set_latitude(-90.5);
  ExpectRejected(DecodeEvent(Binary(Encode(e)), kNow), kRejectInvalidField, "context.latitude");
  e.mutable_context()->set_latitude(0);  // 0.0 is a real coordinate
  e.mutable_context()->set_longitude(std::numeric_limits<double>::infinity());
  ExpectRejected(DecodeEvent(Binary(Encode(e)), kNow), kRejectInvalidField, "context.longitude");
  e.mutable_context()->set_longitude(180);
  EXPECT_TRUE(DecodeEvent(Binary(Encode(e)), kNow).ok());
}

TEST(EventDecoderTest, RejectsTimestampsOutsideTheProtobufRange) {
  // JSON cannot even spell such a timestamp; binary can.
  v1::AccountEvent e = BaseEvent();
  e.mutable_occurred_at()->set_seconds(253402300800);  // 10000-01-01
  ExpectRejected(DecodeEvent(Binary(Encode(e)), kNow), kRejectInvalidField, "occurredAt");
  e = BaseEvent();
  e.mutable_occurred_at()->set_nanos(-1);
  ExpectRejected(DecodeEvent(Binary(Encode(e)), kNow), kRejectInvalidField, "occurredAt");
}

// --- payload_count ------------------------------------------------------------------

TEST(EventDecoderTest, RejectsNoPayload) {
  std::string json = R"({"eventId":"e","accountId":"acct-42","occurredAt":"2026-11-28T09:12:00Z"})";
  ExpectRejected(DecodeEvent(Json(json), kNow), kRejectPayloadCount, "payload");
  v1::AccountEvent e = BaseEvent();
  e.clear_login();
  ExpectRejected(DecodeEvent(Binary(Encode(e)), kNow), kRejectPayloadCount, "payload");
}

TEST(EventDecoderTest, RejectsTwoPayloads) {
  std::string json = SpecJson(
      R"("login":{"result":"SUCCESS"},"verification":{"method":"TOTP","result":"PASSED"})");
  auto error = ExpectRejected(DecodeEvent(Json(json), kNow), kRejectPayloadCount, "login");
  EXPECT_NE(error.message.find("verification"), std::string::npos);
  // An empty payload object still counts as set.
  json = SpecJson(R"("login":{"result":"SUCCESS"},"accountChange":{})");
  ExpectRejected(DecodeEvent(Json(json), kNow), kRejectPayloadCount, "accountChange");

  v1::AccountEvent e = BaseEvent();
  e.mutable_password_reset()->set_stage(v1::PasswordReset::REQUESTED);
  e.mutable_password_reset()->set_channel(v1::PasswordReset::EMAIL);
  ExpectRejected(DecodeEvent(Binary(Encode(e)), kNow), kRejectPayloadCount, "passwordReset");
}

// --- key_mismatch ---------------------------------------------------------------------

TEST(EventDecoderTest, RejectsAccountIdThatDiffersFromTheKey) {
  std::string json = SpecJson(kSpecExamples[0].payload_json);
  ExpectRejected(DecodeEvent(Json(json, "acct-7"), kNow), kRejectKeyMismatch, "accountId");
  std::string binary = Encode(BaseEvent());
  ExpectRejected(DecodeEvent(Binary(binary, "acct-7"), kNow), kRejectKeyMismatch, "accountId");
}

TEST(EventDecoderTest, AcceptsAbsentOrEmptyKey) {
  std::string json = SpecJson(kSpecExamples[0].payload_json);
  EXPECT_TRUE(DecodeEvent(Json(json, std::nullopt), kNow).ok());
  EXPECT_TRUE(DecodeEvent(Json(json, ""), kNow).ok());
  std::string binary = Encode(BaseEvent());
  EXPECT_TRUE(DecodeEvent(Binary(binary, std::nullopt), kNow).ok());
  EXPECT_TRUE(DecodeEvent(Binary(binary, ""), kNow).ok());
}

// --- future_timestamp -------------------------------------------------------------------

TEST(EventDecoderTest, RejectsTimestampsMoreThanADayAhead) {
  v1::AccountEvent e = BaseEvent();
  const std::int64_t now_seconds = kNow / scoring::kSecond;
  e.mutable_occurred_at()->set_seconds(now_seconds + 86400);
  EXPECT_TRUE(DecodeEvent(Binary(Encode(e)), kNow).ok());
  e.mutable_occurred_at()->set_nanos(1000);
  ExpectRejected(DecodeEvent(Binary(Encode(e)), kNow), kRejectFutureTimestamp, "occurredAt");

  std::string ok_json = R"({"eventId":"e","accountId":"acct-42","occurredAt":"2026-11-29T10:00:00Z","login":{"result":"SUCCESS"}})";
  EXPECT_TRUE(DecodeEvent(Json(ok_json), kNow).ok());
  std::string late_json = R"({"eventId":"e","accountId":"acct-42","occurredAt":"2026-11-29T10:00:01Z","login":{"result":"SUCCESS"}})";
  ExpectRejected(DecodeEvent(Json(late_json), kNow), kRejectFutureTimestamp, "occurredAt");

  DecodeOptions strict;
  strict.max_future_skew = scoring::kMinute;
  ExpectRejected(DecodeEvent(Json(ok_json), kNow, strict), kRejectFutureTimestamp, "occurredAt");
}

// --- schema evolution -------------------------------------------------------------------

TEST(EventDecoderTest, IgnoresUnknownJsonFields) {
  std::string json = SpecJson(
      R"("login":{"result":"SUCCESS","method":"PASSWORD","riskHint":{"a":[1,{"b":null}]}},)"
      R"("schemaVersion":3,"newPayload":{"x":"y"})");
  json.replace(json.find(R"("ip")"), 4, R"("ipv6":"::1","ip")");
  auto r = DecodeEvent(Json(json), kNow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  v1::AccountEvent expected = SpecEnvelope();
  kSpecExamples[0].fill(&expected);
  EXPECT_TRUE(MessageDifferencer::Equals(*r, expected)) << r->DebugString();
}

TEST(EventDecoderTest, IgnoresUnknownBinaryFields) {
  v1::AccountEvent expected = BaseEvent();
  std::string binary = Encode(expected);
  // Field 99 (varint 1) at the top level, as a newer producer would send.
  binary += std::string("\x98\x06\x01", 3);
  // Field 15 (length-delimited "hi") inside login: rebuild the login bytes.
  v1::AccountEvent with_nested = expected;
  with_nested.mutable_login()->GetReflection()->MutableUnknownFields(with_nested.mutable_login())
      ->AddLengthDelimited(15, "hi");
  binary += Encode(with_nested);  // concatenation merges: same known fields

  auto r = DecodeEvent(Binary(binary), kNow);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(MessageDifferencer::Equals(*r, expected));
  EXPECT_EQ(r->SerializeAsString(), Encode(expected));  // unknown fields dropped
}

// --- robustness ---------------------------------------------------------------

// Mutated valid messages (both forms) never crash the decoder and never
// produce a reason outside the documented set.
TEST(EventDecoderTest, MutatedInputYieldsOnlyDocumentedOutcomes) {
  std::mt19937 rng(20261128);  // fixed seed: the same inputs every run
  std::vector<std::string> seeds;
  for (const auto& example : kSpecExamples) {
    seeds.push_back(SpecJson(example.payload_json));
    v1::AccountEvent e = SpecEnvelope();
    example.fill(&e);
    seeds.push_back(Encode(e));
  }
  int accepted = 0;
  for (int i = 0; i < 5000; ++i) {
    std::string value = seeds[rng() % seeds.size()];
    for (int edits = 1 + static_cast<int>(rng() % 4); edits > 0 && !value.empty(); --edits) {
      const size_t at = rng() % value.size();
      switch (rng() % 3) {
        case 0: value[at] = static_cast<char>(rng()); break;
        case 1: value.erase(at, 1 + rng() % 8); break;
        case 2: value.insert(at, 1, "{}[]\",:\\0\x80"[rng() % 10]); break;
      }
    }
    auto r = DecodeEvent(RawMessage{value, "acct-42", std::nullopt}, kNow);
    if (r.ok()) {
      ++accepted;
      continue;
    }
    EXPECT_NE(std::find(kAllRejectReasons.begin(), kAllRejectReasons.end(), r.error().code),
              kAllRejectReasons.end())
        << r.error().code;
    EXPECT_LT(r.error().message.size(), 300u);
  }
  // Some mutations (inside a string, say) leave a valid event.
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace riskd::codec
