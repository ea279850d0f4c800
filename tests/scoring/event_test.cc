// AccountEvent (proto) -> Event, and network keys.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "riskd/v1/account_event.pb.h"
#include "scoring/event.h"
#include "scoring/proto_enums.h"

namespace riskd::scoring {
namespace {

v1::AccountEvent Base() {
  v1::AccountEvent p;
  p.set_event_id("e-1");
  p.set_account_id("acct-42");
  p.mutable_occurred_at()->set_seconds(1'700'000'000);
  p.mutable_occurred_at()->set_nanos(123'456'789);
  auto* c = p.mutable_context();
  c->set_ip("203.0.113.7");
  c->set_device_id("d-91");
  c->set_asn(64500);
  c->set_latitude(0.0);
  c->set_longitude(-74.0);
  return p;
}

TEST(EventFromProto, MapsASupportRequest) {
  v1::AccountEvent p = Base();
  auto* s = p.mutable_support_request();
  s->set_channel(v1::SupportRequest::LIVE_CHAT);
  s->set_requested_action(v1::SEND_CREDENTIALS);
  s->set_deliver_to(v1::EMAIL_ON_FILE);
  s->set_requester_authenticated(false);
  auto e = EventFromProto(p);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->id, "e-1");
  EXPECT_EQ(e->occurred_at, 1'700'000'000 * kSecond + 123'456);
  EXPECT_EQ(e->kind, EventKind::kSupportRequest);
  EXPECT_EQ(e->device_id, "d-91");
  EXPECT_EQ(e->network, "203.0.113.0/24");
  EXPECT_EQ(e->asn, 64500u);
  EXPECT_TRUE(e->has_location);  // 0.0 is a real latitude
  EXPECT_EQ(e->latitude, 0.0);
  EXPECT_EQ(e->support_channel, RequestChannel::kLiveChat);
  EXPECT_EQ(e->action, Action::kSendCredentials);
  EXPECT_EQ(e->deliver_to, Destination::kEmailOnFile);
  EXPECT_FALSE(e->requester_authenticated);
}

TEST(EventFromProto, MapsEachPayloadKind) {
  v1::AccountEvent login = Base();
  login.mutable_login()->set_result(v1::Login::SUCCESS);
  EXPECT_TRUE(EventFromProto(login)->success);

  v1::AccountEvent reset = Base();
  reset.mutable_password_reset()->set_stage(v1::PasswordReset::COMPLETED);
  reset.mutable_password_reset()->set_channel(v1::PasswordReset::EMAIL);
  EXPECT_TRUE(EventFromProto(reset)->IsEmailReset());
  EXPECT_EQ(EventFromProto(reset)->reset_stage, ResetStage::kCompleted);

  v1::AccountEvent verify = Base();
  verify.mutable_verification()->set_method(v1::WEBAUTHN);
  verify.mutable_verification()->set_result(v1::Verification::FAILED);
  EXPECT_EQ(EventFromProto(verify)->factor, Factor::kWebauthn);
  EXPECT_FALSE(EventFromProto(verify)->success);

  v1::AccountEvent change = Base();
  change.mutable_account_change()->set_field(v1::AccountChange::RECOVERY_OPTIONS);
  change.mutable_account_change()->set_operation(v1::AccountChange::REMOVED);
  EXPECT_EQ(EventFromProto(change)->change_field, ChangeField::kRecoveryOptions);
  EXPECT_EQ(EventFromProto(change)->change_operation, ChangeOperation::kRemoved);
}

TEST(EventFromProto, RefusesWhatValidationShouldHaveCaught) {
  v1::AccountEvent none = Base();
  EXPECT_FALSE(EventFromProto(none).ok());
  v1::AccountEvent two = Base();
  two.mutable_login()->set_result(v1::Login::SUCCESS);
  two.mutable_verification()->set_method(v1::TOTP);
  EXPECT_FALSE(EventFromProto(two).ok());
  v1::AccountEvent unset = Base();
  unset.mutable_login();
  EXPECT_EQ(EventFromProto(unset).error().code, "invalid_event");
}

TEST(NetworkKey, IPv4Slash24AndIPv6Slash48) {
  EXPECT_EQ(NetworkKey("198.51.100.7"), "198.51.100.0/24");
  EXPECT_EQ(NetworkKey("198.51.100.250"), "198.51.100.0/24");
  EXPECT_EQ(NetworkKey("2001:db8:abcd:12::1"), "2001:db8:abcd::/48");
  EXPECT_EQ(NetworkKey("2001:0DB8:ABCD:ffff::"), "2001:db8:abcd::/48");
  EXPECT_EQ(NetworkKey("::ffff:198.51.100.9"), "198.51.100.0/24");
  EXPECT_EQ(NetworkKey(""), "");
  EXPECT_EQ(NetworkKey("not an ip"), "");
  EXPECT_EQ(NetworkKey("300.1.1.1"), "");
}

// NetworkKey parses dotted quads itself (the hot path); it must agree with
// inet_pton(AF_INET) on every spelling, accepted or not.
std::string InetPtonNetworkKey(const std::string& ip) {
  unsigned char b[4];
  if (inet_pton(AF_INET, ip.c_str(), b) != 1) return "?";
  char out[32];
  std::snprintf(out, sizeof out, "%u.%u.%u.0/24", b[0], b[1], b[2]);
  return out;
}

TEST(NetworkKey, DottedQuadsAsInetPtonReadsThem) {
  const std::vector<std::string> parts = {"0", "00", "01", "1", "9", "10", "99", "100", "199", "255", "256",
                                          "299", "300", "999", "0255", "1000", "", "a", " 1", "1 ", "+1", "-1"};
  std::mt19937 rng(7);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string ip;
    const int n = i < 10000 ? 4 : 2 + static_cast<int>(rng() % 4);
    for (int k = 0; k < n; ++k) {
      if (k > 0) ip += rng() % 20 == 0 ? ".." : ".";
      ip += parts[rng() % parts.size()];
    }
    if (rng() % 30 == 0) ip += ".";
    const std::string want = InetPtonNetworkKey(ip);
    const std::string got = NetworkKey(ip);
    if (want != "?") {
      ++accepted;
      EXPECT_EQ(got, want) << ip;
    } else if (ip.find(':') == std::string::npos) {
      EXPECT_EQ(got, "") << ip;
    }
  }
  EXPECT_GT(accepted, 100);
}

TEST(ProtoEnums, RoundTrip) {
  for (int i = 0; i < kFactorCount; ++i) {
    EXPECT_EQ(FromProto(ToProto(static_cast<Factor>(i))), static_cast<Factor>(i));
  }
  for (int i = 0; i < kRequestChannelCount; ++i) {
    const auto c = static_cast<RequestChannel>(i);
    EXPECT_EQ(FromProto(ToProto(c)), c);
  }
  EXPECT_EQ(ToProto(Level::kHigh), v1::HIGH);
  EXPECT_EQ(ToProto(Decision::kStepUp), v1::STEP_UP);
  EXPECT_FALSE(FromProto(v1::LEVEL_UNSPECIFIED).has_value());
  EXPECT_FALSE(FromProto(static_cast<v1::Action>(99)).has_value());
}

}  // namespace
}  // namespace riskd::scoring
