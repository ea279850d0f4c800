// AccountEvent (proto) -> Event. The daemon's decoder has already validated
// the message; this maps fields and refuses (rather than guesses) anything
// that would make the mapping ambiguous.
#include "scoring/event.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "riskd/v1/account_event.pb.h"
#include "scoring/proto_enums.h"

namespace riskd::scoring {
namespace {

Error Invalid(std::string message) {
  return Error{"invalid_event", std::move(message)};
}

// Nested proto enums number their values 1..n in the order of ours.
template <typename Ours>
std::optional<Ours> Nested(int proto_value, int count) {
  if (proto_value < 1 || proto_value > count) return std::nullopt;
  return static_cast<Ours>(proto_value - 1);
}

EpochMicros ToMicros(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * kSecond + ts.nanos() / 1000;
}

void CopyContext(const v1::Context& c, Event& e) {
  e.device_id = c.device_id();
  e.network = NetworkKey(c.ip());
  e.asn = c.asn();
  e.has_location = c.has_latitude() && c.has_longitude();
  if (e.has_location) {
    e.latitude = c.latitude();
    e.longitude = c.longitude();
  }
}

// Dotted-quad IPv4 in the one spelling inet_pton(AF_INET) accepts: four
// decimal parts of 1-3 digits, no leading zeros, each at most 255. The
// common case, parsed without a copy; anything else goes to inet_pton.
bool ParseIpv4(std::string_view ip, unsigned char out[4]) {
  std::size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= ip.size() || ip[i] != '.') return false;
      ++i;
    }
    const std::size_t start = i;
    unsigned value = 0;
    while (i < ip.size() && ip[i] >= '0' && ip[i] <= '9' && i - start < 3) {
      value = value * 10 + static_cast<unsigned>(ip[i] - '0');
      ++i;
    }
    const std::size_t digits = i - start;
    if (digits == 0 || value > 255 || (digits > 1 && ip[start] == '0')) return false;
    out[part] = static_cast<unsigned char>(value);
  }
  return i == ip.size();
}

std::string Ipv4Network(const unsigned char* b) {
  char out[24];
  char* p = out;
  for (int k = 0; k < 3; ++k) {
    p = std::to_chars(p, out + sizeof out, static_cast<unsigned>(b[k])).ptr;
    *p++ = '.';
  }
  static constexpr char kTail[] = "0/24";
  return std::string(out, p).append(kTail, sizeof kTail - 1);
}

}  // namespace

std::string NetworkKey(std::string_view ip) {
  if (ip.empty() || ip.size() > 64) return "";
  if (unsigned char v4[4]; ParseIpv4(ip, v4)) return Ipv4Network(v4);
  const std::string text(ip);  // inet_pton needs a terminated string
  unsigned char b[16];
  if (inet_pton(AF_INET, text.c_str(), b) == 1) {
    char out[32];
    std::snprintf(out, sizeof out, "%u.%u.%u.0/24", b[0], b[1], b[2]);
    return out;
  }
  if (inet_pton(AF_INET6, text.c_str(), b) == 1) {
    // An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 host it names.
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0,    0,
                                                  0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped, kMapped + 12, b)) {
      char out[32];
      std::snprintf(out, sizeof out, "%u.%u.%u.0/24", b[12], b[13], b[14]);
      return out;
    }
    char out[48];
    std::snprintf(out, sizeof out, "%x:%x:%x::/48", (b[0] << 8) | b[1],
                  (b[2] << 8) | b[3], (b[4] << 8) | b[5]);
    return out;
  }
  return "";
}

Event LabelEvent(std::string event_id, EpochMicros at, Label label,
                 std::string note) {
  Event e;
  e.id = std::move(event_id);
  e.occurred_at = at;
  e.kind = EventKind::kLabel;
  e.label = label;
  e.note = std::move(note);
  return e;
}

Result<Event> EventFromProto(const v1::AccountEvent& p) {
  Event e;
  e.id = p.event_id();
  if (e.id.empty()) return Invalid("eventId is empty");
  e.occurred_at = ToMicros(p.occurred_at());
  if (p.has_context()) CopyContext(p.context(), e);

  const int payloads = p.has_login() + p.has_password_reset() +
                       p.has_support_request() + p.has_verification() +
                       p.has_account_change();
  if (payloads != 1) return Invalid("exactly one payload must be set");

  if (p.has_login()) {
    e.kind = EventKind::kLogin;
    const auto result = p.login().result();
    if (result != v1::Login::SUCCESS && result != v1::Login::FAILURE) {
      return Invalid("login.result");
    }
    e.success = result == v1::Login::SUCCESS;
  } else if (p.has_password_reset()) {
    e.kind = EventKind::kPasswordReset;
    auto stage = Nested<ResetStage>(p.password_reset().stage(), 2);
    auto channel = Nested<ResetChannel>(p.password_reset().channel(), 3);
    if (!stage || !channel) return Invalid("passwordReset stage/channel");
    e.reset_stage = *stage;
    e.reset_channel = *channel;
  } else if (p.has_support_request()) {
    e.kind = EventKind::kSupportRequest;
    const v1::SupportRequest& s = p.support_request();
    auto channel = Nested<RequestChannel>(s.channel(), 4);  // not SELF_SERVICE
    auto action = FromProto(s.requested_action());
    if (!channel || !action) return Invalid("supportRequest channel/action");
    e.support_channel = *channel;
    e.action = *action;
    if (s.deliver_to() != v1::DESTINATION_UNSPECIFIED) {
      e.deliver_to = FromProto(s.deliver_to());
      if (!e.deliver_to) return Invalid("supportRequest.deliverTo");
    }
    e.requester_authenticated = s.requester_authenticated();
  } else if (p.has_verification()) {
    e.kind = EventKind::kVerification;
    const v1::Verification& v = p.verification();
    auto factor = FromProto(v.method());
    if (!factor) return Invalid("verification.method");
    if (v.result() != v1::Verification::PASSED &&
        v.result() != v1::Verification::FAILED) {
      return Invalid("verification.result");
    }
    e.factor = *factor;
    e.success = v.result() == v1::Verification::PASSED;
  } else {
    e.kind = EventKind::kAccountChange;
    auto field = Nested<ChangeField>(p.account_change().field(), 7);
    auto op = Nested<ChangeOperation>(p.account_change().operation(), 3);
    if (!field || !op) return Invalid("accountChange field/operation");
    e.change_field = *field;
    e.change_operation = *op;
  }
  return e;
}

}  // namespace riskd::scoring
