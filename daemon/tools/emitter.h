// Appends the generator's compact events for one account, numbering them,
// with one method per payload so that scenarios read like the story they
// tell (reset, login, ask support, verify).
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "daemon/tools/prng.h"
#include "daemon/tools/synth_event.h"
#include "daemon/tools/world.h"
#include "riskd/v1/account_event.pb.h"

namespace riskd::tools {

namespace v1 = ::riskd::v1;

class Emitter {
 public:
  // `day` and the running sequence number make each event's identity; use a
  // day value no other Emitter of the same account uses.
  Emitter(std::vector<SynthEvent>& out, std::uint32_t account,
          std::uint16_t day)
      : out_(out), account_(account), day_(day) {}

  void Login(scoring::EpochMicros t, const SynthContext& ctx,
             v1::Login::Result result,
             v1::Login::Method method = v1::Login::PASSWORD,
             bool mfa_passed = false) {
    Push(t, ctx, Payload::kLogin, result, method, 0, mfa_passed, 0);
  }
  void Reset(scoring::EpochMicros t, const SynthContext& ctx,
             v1::PasswordReset::Stage stage,
             v1::PasswordReset::Channel channel) {
    Push(t, ctx, Payload::kPasswordReset, stage, channel, 0, false, 0);
  }
  void Support(scoring::EpochMicros t, const SynthContext& ctx,
               std::uint32_t ticket, v1::SupportRequest::Channel channel,
               v1::Action action, v1::Destination deliver_to,
               bool authenticated) {
    Push(t, ctx, Payload::kSupportRequest, channel, action, deliver_to,
         authenticated, ticket);
  }
  void Verify(scoring::EpochMicros t, std::uint32_t ticket, v1::Factor factor,
              v1::Verification::Result result) {
    Push(t, SynthContext{}, Payload::kVerification, factor, result, 0, false,
         ticket);
  }
  void Change(scoring::EpochMicros t, const SynthContext& ctx,
              v1::AccountChange::Field field,
              v1::AccountChange::Operation operation,
              v1::AccountChange::Actor actor) {
    Push(t, ctx, Payload::kAccountChange, field, operation, actor, false, 0);
  }

 private:
  void Push(scoring::EpochMicros t, const SynthContext& ctx, Payload payload,
            int a, int b, int c, bool flag, std::uint32_t ticket) {
    SynthEvent e;
    e.occurred_at = t;
    e.account = account_;
    e.day = day_;
    e.seq = seq_++;
    e.payload = payload;
    e.a = static_cast<std::uint8_t>(a);
    e.b = static_cast<std::uint8_t>(b);
    e.c = static_cast<std::uint8_t>(c);
    e.flag = flag;
    e.ticket = ticket;
    e.context = ctx;
    out_.push_back(e);
  }

  std::vector<SynthEvent>& out_;
  std::uint32_t account_;
  std::uint16_t day_;
  std::uint16_t seq_ = 0;
};

// Geo-IP gives about four decimals (~10 m); more digits would only bloat
// the JSON. std::round is exact, so this stays deterministic.
inline double Round4(double degrees) { return std::round(degrees * 1e4) / 1e4; }

// A context at `place`: a host in its /24, its ASN, its coordinates give or
// take a kilometre (geo-IP is never exact).
inline SynthContext ContextAt(Rng& rng, const Place& place,
                              std::uint64_t device, Agent agent) {
  SynthContext c;
  c.present = true;
  c.agent = agent;
  c.city = static_cast<std::uint16_t>(place.city);
  c.ip = place.net24 | static_cast<std::uint32_t>(rng.Between(2, 254));
  c.asn = place.asn;
  c.device = device;
  c.has_coordinates = true;
  c.latitude = Round4(place.latitude + rng.Uniform(-0.01, 0.01));
  c.longitude = Round4(place.longitude + rng.Uniform(-0.01, 0.01));
  return c;
}

}  // namespace riskd::tools
