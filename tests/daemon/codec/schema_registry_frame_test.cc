// Confluent Schema Registry framing of binary values: a framed value decodes
// to the same event as the bare one, a bad frame is a `malformed` rejection,
// and JSON values are not affected.
#include "daemon/codec/schema_registry_frame.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>

#include "daemon/codec/event_decoder.h"

namespace riskd::codec {
namespace {

namespace v1 = riskd::v1;
using google::protobuf::util::MessageDifferencer;

// 2026-11-28T10:00:00Z.
constexpr scoring::EpochMicros kNow = 1795860000LL * scoring::kSecond;

v1::AccountEvent Event() {
  v1::AccountEvent e;
  e.set_event_id("e-1");
  e.set_account_id("acct-42");
  e.mutable_occurred_at()->set_seconds(1795857120);
  e.mutable_context()->set_device_id("d-91");
  e.mutable_password_reset()->set_stage(v1::PasswordReset::COMPLETED);
  e.mutable_password_reset()->set_channel(v1::PasswordReset::EMAIL);
  return e;
}

// Magic byte 0, then `schema_id` big-endian.
std::string Header(std::uint32_t schema_id) {
  std::string h(1, '\0');
  for (int shift = 24; shift >= 0; shift -= 8) h += static_cast<char>((schema_id >> shift) & 0xff);
  return h;
}

// What Confluent's serializer writes for AccountEvent, the seventh message
// of account_event.proto: count 1, index 6, both zigzag (2 and 12).
std::string FramedAtIndexSix(const std::string& message) {
  return Header(42) + std::string("\x02\x0c", 2) + message;
}

Result<v1::AccountEvent> Decode(std::string_view value, std::optional<std::string_view> content_type) {
  return DecodeEvent(RawMessage{value, "acct-42", content_type}, kNow);
}

TEST(SchemaRegistryFrameTest, BareProtobufNeverStartsWithTheMagicByte) {
  // Field numbers start at 1, so the first tag byte is at least 0x08.
  const std::string bare = Event().SerializeAsString();
  ASSERT_FALSE(bare.empty());
  EXPECT_NE(bare[0], '\0');
  auto stripped = StripSchemaRegistryFrame(bare);
  ASSERT_TRUE(stripped.ok());
  EXPECT_EQ(stripped->data(), bare.data());
  EXPECT_EQ(stripped->size(), bare.size());
}

TEST(SchemaRegistryFrameTest, FramedValueDecodesToTheSameEventAsBare) {
  const std::string bare = Event().SerializeAsString();
  const std::string framed[] = {
      Header(7) + std::string(1, '\0') + bare,                         // [0], the short form
      FramedAtIndexSix(bare),                                          // [6]
      Header(0xfffffffe) + std::string("\x04\x02\x00", 3) + bare,     // [1, 0], nested
      Header(1) + std::string("\x02\x80\x01", 3) + bare,              // [64], two-byte varint
  };
  auto from_bare = Decode(bare, "application/x-protobuf");
  ASSERT_TRUE(from_bare.ok()) << from_bare.error().message;
  for (const std::string& value : framed) {
    for (auto content_type : {std::optional<std::string_view>("application/x-protobuf"),
                              std::optional<std::string_view>()}) {
      SCOPED_TRACE(content_type ? "with content-type" : "sniffed");
      auto r = Decode(value, content_type);
      ASSERT_TRUE(r.ok()) << r.error().code << ": " << r.error().message;
      EXPECT_TRUE(MessageDifferencer::Equals(*r, *from_bare)) << r->DebugString();
    }
  }
}

TEST(SchemaRegistryFrameTest, FramedInvalidEventIsRejectedForTheEventNotTheFrame) {
  v1::AccountEvent e = Event();
  e.clear_event_id();
  auto r = Decode(FramedAtIndexSix(e.SerializeAsString()), std::nullopt);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, kRejectMissingField);
}

TEST(SchemaRegistryFrameTest, BadFramesAreMalformed) {
  const std::string bare = Event().SerializeAsString();
  const struct {
    const char* name;
    std::string value;
  } cases[] = {
      {"magic byte only", std::string(1, '\0')},
      {"schema id cut short", std::string("\0\0\0\x2a", 4)},
      {"no index list", Header(42)},
      {"count varint cut short", Header(42) + "\x80"},
      {"count varint longer than 32 bits", Header(42) + std::string("\xff\xff\xff\xff\xff\x01", 6) + bare},
      {"negative count", Header(42) + "\x01" + bare},
      {"more indexes than bytes", Header(42) + "\x7e\x02"},
      {"index varint cut short", Header(42) + "\x02\x80"},
      {"negative index", Header(42) + "\x02\x01" + bare},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto stripped = StripSchemaRegistryFrame(c.value);
    ASSERT_FALSE(stripped.ok());
    EXPECT_EQ(stripped.error().code, kRejectMalformed);
    EXPECT_NE(stripped.error().message.find("schema registry frame"), std::string::npos)
        << stripped.error().message;
    auto r = Decode(c.value, "application/x-protobuf");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, kRejectMalformed);
  }
}

TEST(SchemaRegistryFrameTest, JsonValuesAreUnaffected) {
  const std::string json =
      R"({"eventId":"e-1","accountId":"acct-42","occurredAt":"2026-11-28T09:12:00Z",)"
      R"("context":{"deviceId":"d-91"},"passwordReset":{"stage":"COMPLETED","channel":"EMAIL"}})";
  auto r = Decode(json, std::nullopt);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(MessageDifferencer::Equals(*r, Event()));
  // Framing is for protobuf only: a framed JSON value is not JSON.
  auto framed = Decode(Header(42) + std::string(1, '\0') + json, "application/json");
  ASSERT_FALSE(framed.ok());
  EXPECT_EQ(framed.error().code, kRejectMalformed);
}

}  // namespace
}  // namespace riskd::codec
