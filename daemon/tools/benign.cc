#include "daemon/tools/benign.h"

#include "daemon/tools/emitter.h"
#include "daemon/tools/prng.h"

namespace riskd::tools {
namespace {

using scoring::EpochMicros;
using scoring::kMinute;
using scoring::kSecond;

// Per-day chances of the rarer habits.
constexpr double kForgotPasswordPerDay = 1.0 / 200;
constexpr double kSupportContactPerDay = 1.0 / 150;
constexpr double kSelfServiceChangePerDay = 1.0 / 400;
// After a forgotten password, how often the customer then asks support for
// their credentials by email: the honest twin of the SPEC incident.
constexpr double kCredentialsAfterResetChance = 0.10;

class Day {
 public:
  Day(const Profile& p, std::uint64_t seed, int day, EpochMicros day_start,
      std::vector<SynthEvent>& out)
      : p_(p),
        seed_(seed),
        day_(day),
        day_start_(day_start),
        rng_(DeriveSeed({seed, p.account, static_cast<std::uint64_t>(day), 0xbe})),
        em_(out, p.account, static_cast<std::uint16_t>(day)) {}

  void Run() {
    const bool travelling = p_.trip_start_day >= 0 &&
                            (day_ == p_.trip_start_day ||
                             day_ == p_.trip_start_day + p_.trip_days);
    if (travelling) return;  // on a plane: no logins that could look impossible
    Logins();
    if (p_.new_phone_day == day_) NewPhone();
    if (rng_.Chance(kForgotPasswordPerDay)) ForgotPassword();
    if (rng_.Chance(kSupportContactPerDay)) SupportContact(At(rng_.Uniform(9, 20)));
    if (rng_.Chance(kSelfServiceChangePerDay)) SelfServiceChange();
  }

 private:
  bool Abroad() const { return &WhereIs(p_, day_) != &p_.home; }
  bool Weekday() const {
    // 1970-01-01 was a Thursday; days since then modulo 7 gives the weekday.
    const EpochMicros days = day_start_ / scoring::kDay;
    const int dow = static_cast<int>((days + 3) % 7);  // 0 = Monday
    return dow < 5;
  }

  // Local hour (fractional) of this day -> a time inside this UTC day.
  EpochMicros At(double local_hour) {
    EpochMicros offset = static_cast<EpochMicros>(
        (local_hour - p_.tz_offset_hours) * 3600.0 * kSecond);
    offset %= scoring::kDay;
    if (offset < 0) offset += scoring::kDay;
    return day_start_ + offset;
  }
  // Keeps an episode that starts at `t` and lasts up to `span` in this day.
  EpochMicros Fit(EpochMicros t, EpochMicros span) const {
    const EpochMicros last = day_start_ + scoring::kDay - span;
    return t > last ? last : t;
  }

  SynthContext HomeLaptop() {
    return ContextAt(rng_, WhereIs(p_, day_), p_.laptop_device, Agent::kLaptop);
  }
  SynthContext Phone() {
    // Mobile data keeps the home carrier's ASN even when roaming; the /24
    // changes with every session (carrier NAT).
    Place mobile = WhereIs(p_, day_);
    mobile.asn = p_.mobile_asn;
    mobile.net24 = p_.mobile_net16 | (static_cast<std::uint32_t>(rng_.Below(256)) << 8);
    return ContextAt(rng_, mobile, PhoneOn(p_, day_), Agent::kPhone);
  }
  SynthContext ContextForLogin(double local_hour) {
    if (!Abroad() && p_.has_work && Weekday() && local_hour >= 9 &&
        local_hour < 17 && rng_.Chance(0.7)) {
      return ContextAt(rng_, p_.work, p_.work_device, Agent::kLaptop);
    }
    if (rng_.Chance(0.4)) return Phone();
    if (Abroad() && rng_.Chance(0.1)) {
      // A hotel's business-centre computer: nothing familiar about it.
      return ContextAt(rng_, p_.trip, StableId(seed_, p_.account, 0x40000 + day_),
                       Agent::kLaptop);
    }
    if (!Abroad() && p_.uses_vpn && rng_.Chance(0.15)) {
      return ContextAt(rng_, p_.vpn, p_.laptop_device, Agent::kLaptop);
    }
    return HomeLaptop();
  }

  void SuccessfulLogin(EpochMicros t, const SynthContext& ctx) {
    const double m = rng_.Uniform();
    const auto method = m < 0.85 ? v1::Login::PASSWORD
                        : m < 0.95 ? v1::Login::SSO
                                   : v1::Login::EMAIL_LINK;
    em_.Login(t, ctx, v1::Login::SUCCESS, method, p_.has_totp);
  }

  void Logins() {
    const int n = rng_.Binomial(16, p_.logins_per_day / 16);
    for (int i = 0; i < n; ++i) {
      const double hour = rng_.Uniform(7, 23);
      const EpochMicros t = Fit(At(hour), 5 * kMinute);
      const SynthContext ctx = ContextForLogin(hour);
      // Typos: a failed attempt or, rarely, a few, just before.
      const double typo = rng_.Uniform();
      const int failures = typo < 0.01 ? static_cast<int>(rng_.Between(2, 4))
                           : typo < 0.07 ? 1 : 0;
      EpochMicros at = t;
      for (int f = 0; f < failures; ++f) {
        em_.Login(at, ctx, v1::Login::FAILURE);
        at += rng_.Between(10, 60) * kSecond;
      }
      SuccessfulLogin(at, ctx);
    }
  }

  void NewPhone() {
    const EpochMicros t = Fit(At(rng_.Uniform(10, 21)), 30 * kMinute);
    SuccessfulLogin(t, Phone());
    if (p_.has_totp) {
      em_.Change(t + rng_.Between(2, 15) * kMinute, HomeLaptop(),
                 v1::AccountChange::MFA, v1::AccountChange::CHANGED,
                 v1::AccountChange::SELF_SERVICE);
    }
    if (p_.new_phone_number) {
      em_.Change(t + rng_.Between(16, 25) * kMinute, HomeLaptop(),
                 v1::AccountChange::PHONE, v1::AccountChange::CHANGED,
                 v1::AccountChange::SELF_SERVICE);
    }
  }

  void ForgotPassword() {
    EpochMicros t = Fit(At(rng_.Uniform(8, 21)), 3 * scoring::kHour);
    const SynthContext ctx = rng_.Chance(0.8) ? HomeLaptop() : Phone();
    const auto channel = rng_.Chance(0.85) ? v1::PasswordReset::EMAIL
                                           : v1::PasswordReset::SMS;
    // The email is slow: some ask again, a few three times.
    const double again = rng_.Uniform();
    const int requests = again < 0.04 ? 3 : again < 0.15 ? 2 : 1;
    for (int i = 0; i < requests; ++i) {
      em_.Reset(t, ctx, v1::PasswordReset::REQUESTED, channel);
      t += rng_.Between(2, 6) * kMinute;
    }
    t += rng_.Between(0, 10) * kMinute;
    em_.Reset(t, ctx, v1::PasswordReset::COMPLETED, channel);
    t += rng_.Between(1, 3) * kMinute;
    SuccessfulLogin(t, ctx);
    if (channel == v1::PasswordReset::EMAIL &&
        rng_.Chance(kCredentialsAfterResetChance)) {
      // New password set; now the server credentials, "by email please".
      const std::uint32_t ticket = Ticket();
      t += rng_.Between(10, 90) * kMinute;
      em_.Support(t, ctx, ticket, v1::SupportRequest::LIVE_CHAT,
                  v1::SEND_CREDENTIALS, v1::EMAIL_ON_FILE, true);
      em_.Verify(t + rng_.Between(1, 4) * kMinute, ticket, v1::SUPPORT_PIN,
                 v1::Verification::PASSED);
    }
  }

  std::uint32_t Ticket() {
    return static_cast<std::uint32_t>(1'000'000 + rng_.Below(9'000'000));
  }

  // A PIN check as agents do it: sometimes mistyped once first.
  EpochMicros VerifyPin(EpochMicros t, std::uint32_t ticket, double mistype) {
    t += rng_.Between(1, 4) * kMinute;
    if (rng_.Chance(mistype)) {
      em_.Verify(t, ticket, v1::SUPPORT_PIN, v1::Verification::FAILED);
      t += rng_.Between(1, 3) * kMinute;
    }
    em_.Verify(t, ticket, v1::SUPPORT_PIN, v1::Verification::PASSED);
    return t;
  }

  void SupportContact(EpochMicros start) {
    EpochMicros t = Fit(start, 5 * scoring::kHour);  // an ID check takes hours
    const std::uint32_t ticket = Ticket();
    const SynthContext web = HomeLaptop();
    const SynthContext phone_call;  // a phone call carries no network context
    const double kind = rng_.Uniform();
    if (kind < 0.45) {
      const auto channel = rng_.Chance(0.5) ? v1::SupportRequest::TICKET
                                            : v1::SupportRequest::LIVE_CHAT;
      em_.Support(t, web, ticket, channel, v1::OTHER,
                  v1::DESTINATION_UNSPECIFIED, true);
    } else if (kind < 0.60) {
      em_.Support(t, web, ticket, v1::SupportRequest::LIVE_CHAT,
                  v1::SEND_CREDENTIALS,
                  rng_.Chance(0.5) ? v1::IN_SESSION : v1::EMAIL_ON_FILE, true);
      VerifyPin(t, ticket, 0.08);
    } else if (kind < 0.75) {
      em_.Support(t, phone_call, ticket, v1::SupportRequest::PHONE,
                  v1::RESET_PASSWORD, v1::PHONE_ON_FILE, false);
      t = VerifyPin(t, ticket, 0.10);
      em_.Reset(t + rng_.Between(1, 5) * kMinute, phone_call,
                v1::PasswordReset::COMPLETED, v1::PasswordReset::SUPPORT_AGENT);
      SuccessfulLogin(t + rng_.Between(6, 30) * kMinute, HomeLaptop());
    } else if (kind < 0.85) {
      em_.Support(t, phone_call, ticket, v1::SupportRequest::PHONE,
                  v1::CHANGE_PHONE, v1::DESTINATION_UNSPECIFIED, false);
      t = VerifyPin(t, ticket, 0.10);
      em_.Change(t + rng_.Between(1, 5) * kMinute, phone_call,
                 v1::AccountChange::PHONE, v1::AccountChange::CHANGED,
                 v1::AccountChange::SUPPORT_AGENT);
    } else if (kind < 0.95) {
      em_.Support(t, web, ticket, v1::SupportRequest::LIVE_CHAT,
                  v1::CHANGE_EMAIL, v1::DESTINATION_UNSPECIFIED, true);
      t = VerifyPin(t, ticket, 0.05);
      em_.Change(t + rng_.Between(1, 5) * kMinute, web,
                 v1::AccountChange::EMAIL, v1::AccountChange::CHANGED,
                 v1::AccountChange::SUPPORT_AGENT);
    } else {
      em_.Support(t, web, ticket, v1::SupportRequest::TICKET,
                  v1::TRANSFER_ASSET, v1::DESTINATION_UNSPECIFIED, true);
      em_.Verify(t + rng_.Between(30, 240) * kMinute, ticket, v1::ID_DOCUMENT,
                 v1::Verification::PASSED);
    }
  }

  void SelfServiceChange() {
    const EpochMicros t = Fit(At(rng_.Uniform(9, 22)), 10 * kMinute);
    const SynthContext ctx = HomeLaptop();
    SuccessfulLogin(t, ctx);
    const auto field = rng_.Chance(0.5) ? v1::AccountChange::SUPPORT_PIN
                                        : v1::AccountChange::RECOVERY_OPTIONS;
    em_.Change(t + rng_.Between(1, 5) * kMinute, ctx, field,
               v1::AccountChange::CHANGED, v1::AccountChange::SELF_SERVICE);
  }

  const Profile& p_;
  std::uint64_t seed_;
  int day_;
  EpochMicros day_start_;
  Rng rng_;
  Emitter em_;
};

}  // namespace

const Place& WhereIs(const Profile& p, int day) {
  if (p.trip_start_day >= 0 && day > p.trip_start_day &&
      day < p.trip_start_day + p.trip_days) {
    return p.trip;
  }
  return p.home;
}

std::uint64_t PhoneOn(const Profile& p, int day) {
  return p.new_phone_day >= 0 && day >= p.new_phone_day ? p.new_phone_device
                                                         : p.phone_device;
}

void GenerateBenignDay(const Profile& profile, std::uint64_t seed, int day,
                       scoring::EpochMicros day_start,
                       std::vector<SynthEvent>& out) {
  Day(profile, seed, day, day_start, out).Run();
}

}  // namespace riskd::tools
