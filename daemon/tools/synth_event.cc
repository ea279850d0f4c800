#include "daemon/tools/synth_event.h"

#include <cstdio>

#include "daemon/tools/prng.h"
#include "daemon/tools/world.h"

namespace riskd::tools {
namespace {

const char* UserAgent(Agent agent) {
  switch (agent) {
    case Agent::kNone: return "";
    case Agent::kLaptop:
      return "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Chrome/131.0 Safari/537.36";
    case Agent::kPhone: return "ExampleHost-iOS/4.12 (iPhone15,2; iOS 18.1)";
    case Agent::kScript: return "python-requests/2.32.3";
    case Agent::kHeadless:
      return "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
             "Gecko) HeadlessChrome/131.0 Safari/537.36";
  }
  return "";
}

// The finalizer of splitmix64 is a bijection on 64-bit integers, so distinct
// (account, day, seq) give distinct ids.
std::uint64_t Scramble(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string Hex16(std::uint64_t x) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(x));
  return buf;
}

}  // namespace

std::string AccountName(std::uint32_t account) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "acct-%07u", account);
  return buf;
}

void ToProto(const SynthEvent& e, std::uint64_t seed,
             riskd::v1::AccountEvent* out) {
  out->Clear();
  const std::uint64_t key = (static_cast<std::uint64_t>(e.account) << 32) |
                            (static_cast<std::uint64_t>(e.day) << 16) | e.seq;
  const std::uint64_t id = Scramble(key ^ Scramble(seed));
  out->set_event_id("ev-" + Hex16(id));
  out->set_account_id(AccountName(e.account));
  auto* ts = out->mutable_occurred_at();
  ts->set_seconds(e.occurred_at / 1'000'000);
  ts->set_nanos(static_cast<int>(e.occurred_at % 1'000'000) * 1000);

  if (e.context.present) {
    const SynthContext& c = e.context;
    auto* ctx = out->mutable_context();
    if (c.ip != 0) ctx->set_ip(FormatIpv4(c.ip));
    if (c.device != 0) ctx->set_device_id("d-" + Hex16(c.device).substr(4));
    if (c.agent != Agent::kNone) ctx->set_user_agent(UserAgent(c.agent));
    ctx->set_country(Cities()[c.city].country);
    if (c.asn != 0) ctx->set_asn(c.asn);
    if (c.has_coordinates) {
      ctx->set_latitude(c.latitude);
      ctx->set_longitude(c.longitude);
    }
    if (e.payload == Payload::kLogin && c.device != 0) {
      ctx->set_session_id("s-" + Hex16(Scramble(id)).substr(6));
    }
  }

  switch (e.payload) {
    case Payload::kLogin: {
      auto* p = out->mutable_login();
      p->set_result(static_cast<riskd::v1::Login::Result>(e.a));
      p->set_method(static_cast<riskd::v1::Login::Method>(e.b));
      p->set_mfa_passed(e.flag);
      break;
    }
    case Payload::kPasswordReset: {
      auto* p = out->mutable_password_reset();
      p->set_stage(static_cast<riskd::v1::PasswordReset::Stage>(e.a));
      p->set_channel(static_cast<riskd::v1::PasswordReset::Channel>(e.b));
      break;
    }
    case Payload::kSupportRequest: {
      auto* p = out->mutable_support_request();
      p->set_ticket_id("T-" + std::to_string(e.ticket));
      p->set_channel(static_cast<riskd::v1::SupportRequest::Channel>(e.a));
      p->set_requested_action(static_cast<riskd::v1::Action>(e.b));
      p->set_deliver_to(static_cast<riskd::v1::Destination>(e.c));
      p->set_requester_authenticated(e.flag);
      break;
    }
    case Payload::kVerification: {
      auto* p = out->mutable_verification();
      p->set_method(static_cast<riskd::v1::Factor>(e.a));
      p->set_result(static_cast<riskd::v1::Verification::Result>(e.b));
      if (e.ticket != 0) p->set_ticket_id("T-" + std::to_string(e.ticket));
      break;
    }
    case Payload::kAccountChange: {
      auto* p = out->mutable_account_change();
      p->set_field(static_cast<riskd::v1::AccountChange::Field>(e.a));
      p->set_operation(static_cast<riskd::v1::AccountChange::Operation>(e.b));
      p->set_actor(static_cast<riskd::v1::AccountChange::Actor>(e.c));
      break;
    }
  }
}

}  // namespace riskd::tools
