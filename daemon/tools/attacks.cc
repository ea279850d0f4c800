#include "daemon/tools/attacks.h"

#include <algorithm>
#include <array>

#include "daemon/tools/benign.h"
#include "daemon/tools/emitter.h"
#include "daemon/tools/prng.h"

namespace riskd::tools {
namespace {

using scoring::EpochMicros;
using scoring::kHour;
using scoring::kMinute;
using scoring::kSecond;

constexpr std::array<std::string_view, kAttackKindCount> kNames = {
    "mailbox_takeover_credentials", "reset_takeover", "credential_stuffing",
    "mfa_enrolment",                "phone_change_sms_reset",
    "impossible_travel"};

// How often each kind is chosen, in AttackKind order. The SPEC incident and
// plain reset takeovers dominate, as they do in email-compromise reports.
constexpr std::array<double, kAttackKindCount> kWeights = {0.25, 0.20, 0.20,
                                                           0.10, 0.10, 0.15};
// Share of takeovers preceded by a stuffing burst (the password was tried
// first, then the mailbox route taken).
constexpr double kStuffingFirstChance = 0.2;

class Story {
 public:
  Story(const Profile& p, const AttackPlan& plan, std::uint64_t seed,
        EpochMicros period_start, std::vector<SynthEvent>& out)
      : p_(p),
        plan_(plan),
        period_start_(period_start),
        rng_(DeriveSeed({seed, p.account, 0xa77ac})),
        em_(out, p.account, kAttackDay) {
    // The attacker's own machine: far away or behind a proxy in the
    // victim's city; a hosting provider or a residential proxy.
    const int home_city = p.home.city;
    const int city = rng_.Chance(0.7) ? FarCity(rng_, home_city) : home_city;
    const auto kind = rng_.Chance(0.6) ? NetworkKind::kHosting
                                       : NetworkKind::kResidential;
    attacker_place_ = RandomPlace(rng_, city, kind);
    attacker_device_ = StableId(seed, p.account, 0xa77ac);
  }

  void Run() {
    if (plan_.stuffing_first) Stuffing(plan_.start, /*allow_slow=*/false);
    const EpochMicros t = plan_.primary_at;
    switch (plan_.kind) {
      case AttackKind::kMailboxTakeoverCredentials: MailboxTakeover(t); break;
      case AttackKind::kResetTakeover: ResetTakeover(t); break;
      case AttackKind::kCredentialStuffing: Stuffing(t, /*allow_slow=*/true); break;
      case AttackKind::kMfaEnrolment: MfaEnrolment(t); break;
      case AttackKind::kPhoneChangeSmsReset: PhoneChange(t); break;
      case AttackKind::kImpossibleTravel: ImpossibleTravel(t); break;
    }
  }

 private:
  SynthContext Attacker() {
    return ContextAt(rng_, attacker_place_, attacker_device_, Agent::kHeadless);
  }
  EpochMicros Minutes(int lo, int hi) { return rng_.Between(lo, hi) * kMinute; }
  std::uint32_t Ticket() {
    return static_cast<std::uint32_t>(1'000'000 + rng_.Below(9'000'000));
  }

  // Email reset and login from the attacker's machine: the mailbox route.
  EpochMicros EmailResetAndLogin(EpochMicros t, const SynthContext& ctx) {
    em_.Reset(t, ctx, v1::PasswordReset::REQUESTED, v1::PasswordReset::EMAIL);
    t += Minutes(1, 5);
    em_.Reset(t, ctx, v1::PasswordReset::COMPLETED, v1::PasswordReset::EMAIL);
    t += Minutes(1, 3);
    em_.Login(t, ctx, v1::Login::SUCCESS);
    return t;
  }

  void MailboxTakeover(EpochMicros t) {
    const SynthContext ctx = Attacker();
    t = EmailResetAndLogin(t, ctx);
    t += Minutes(5, 60);
    const std::uint32_t ticket = Ticket();
    const auto to = rng_.Chance(0.8) ? v1::EMAIL_ON_FILE : v1::NEW_EMAIL;
    em_.Support(t, ctx, ticket, v1::SupportRequest::LIVE_CHAT,
                v1::SEND_CREDENTIALS, to, rng_.Chance(0.5));
    // Half the time the attacker reads the PIN off the dashboard and passes
    // the check; otherwise the agent skips it, as in the incident.
    if (rng_.Chance(0.5)) {
      em_.Verify(t + Minutes(1, 3), ticket, v1::SUPPORT_PIN,
                 v1::Verification::PASSED);
    }
  }

  void ResetTakeover(EpochMicros t) {
    const SynthContext ctx = Attacker();
    t = EmailResetAndLogin(t, ctx);
    if (rng_.Chance(0.4)) {
      em_.Change(t + Minutes(5, 30), ctx, v1::AccountChange::EMAIL,
                 v1::AccountChange::CHANGED, v1::AccountChange::SELF_SERVICE);
    }
    if (rng_.Chance(0.3)) {
      em_.Change(t + Minutes(31, 40), ctx, v1::AccountChange::PASSWORD,
                 v1::AccountChange::CHANGED, v1::AccountChange::SELF_SERVICE);
    }
    const int more = static_cast<int>(rng_.Between(0, 3));
    for (int i = 0; i < more; ++i) {
      em_.Login(t + Minutes(60, 20 * 60), Attacker(), v1::Login::SUCCESS);
    }
  }

  // One bot of a botnet: a residential IP anywhere, no stable device.
  SynthContext Bot() {
    const int city = static_cast<int>(rng_.Below(Cities().size()));
    Place bot = RandomPlace(rng_, city, NetworkKind::kResidential);
    SynthContext c = ContextAt(rng_, bot, 0, Agent::kScript);
    return c;
  }

  void Stuffing(EpochMicros t, bool allow_slow) {
    if (allow_slow && rng_.Chance(0.25)) {
      // Low and slow: too few, too spread out for a burst rule.
      const int n = static_cast<int>(rng_.Between(4, 8));
      for (int i = 0; i < n; ++i) {
        em_.Login(t, Bot(), v1::Login::FAILURE);
        t += Minutes(20, 50);
      }
      return;
    }
    const int n = static_cast<int>(rng_.Between(12, 40));
    for (int i = 0; i < n; ++i) {
      em_.Login(t, Bot(), v1::Login::FAILURE);
      t += rng_.Between(3, 15) * kSecond;
    }
    if (allow_slow && rng_.Chance(0.3)) em_.Login(t, Bot(), v1::Login::SUCCESS);
  }

  void MfaEnrolment(EpochMicros t) {
    const SynthContext ctx = Attacker();
    t = EmailResetAndLogin(t, ctx);
    t += Minutes(2, 10);
    if (p_.has_totp) {
      em_.Change(t, ctx, v1::AccountChange::MFA, v1::AccountChange::REMOVED,
                 v1::AccountChange::SELF_SERVICE);
      t += Minutes(1, 5);
    }
    em_.Change(t, ctx, v1::AccountChange::MFA, v1::AccountChange::ADDED,
               v1::AccountChange::SELF_SERVICE);
    em_.Login(t + Minutes(60, 12 * 60), Attacker(), v1::Login::SUCCESS,
              v1::Login::PASSWORD, /*mfa_passed=*/true);
  }

  EpochMicros SmsResetAndLogin(EpochMicros t, const SynthContext& ctx) {
    em_.Reset(t, ctx, v1::PasswordReset::REQUESTED, v1::PasswordReset::SMS);
    t += Minutes(1, 3);
    em_.Reset(t, ctx, v1::PasswordReset::COMPLETED, v1::PasswordReset::SMS);
    t += Minutes(1, 3);
    em_.Login(t, ctx, v1::Login::SUCCESS);
    return t;
  }

  void PhoneChange(EpochMicros t) {
    const SynthContext ctx = Attacker();
    if (rng_.Chance(0.55)) {
      // Talk support into changing the number.
      const bool chat = rng_.Chance(0.5);
      const std::uint32_t ticket = Ticket();
      em_.Support(t, chat ? ctx : SynthContext{}, ticket,
                  chat ? v1::SupportRequest::LIVE_CHAT : v1::SupportRequest::PHONE,
                  v1::CHANGE_PHONE, v1::DESTINATION_UNSPECIFIED, false);
      const int failures = static_cast<int>(rng_.Between(1, 3));
      for (int i = 0; i < failures; ++i) {
        t += Minutes(1, 3);
        em_.Verify(t, ticket, v1::SUPPORT_PIN, v1::Verification::FAILED);
      }
      if (rng_.Chance(0.4)) {  // a forged document, accepted
        t += Minutes(10, 40);
        em_.Verify(t, ticket, v1::ID_DOCUMENT, v1::Verification::PASSED);
      }
      t += Minutes(2, 10);
      em_.Change(t, SynthContext{}, v1::AccountChange::PHONE,
                 v1::AccountChange::CHANGED, v1::AccountChange::SUPPORT_AGENT);
      SmsResetAndLogin(t + Minutes(5, 60), ctx);
    } else {
      // Through the hijacked mailbox, then lock the victim out by SMS.
      t = EmailResetAndLogin(t, ctx);
      t += Minutes(2, 10);
      em_.Change(t, ctx, v1::AccountChange::PHONE, v1::AccountChange::CHANGED,
                 v1::AccountChange::SELF_SERVICE);
      SmsResetAndLogin(t + Minutes(60, 24 * 60), ctx);
    }
  }

  void ImpossibleTravel(EpochMicros t) {
    // The victim logs in where they are; minutes later the stolen password
    // is used from another continent.
    const int day = static_cast<int>((t - period_start_) / scoring::kDay);
    const Place& victim = WhereIs(p_, day);
    const EpochMicros victim_at = t - Minutes(15, 90);
    em_.Login(victim_at, ContextAt(rng_, victim, p_.laptop_device, Agent::kLaptop),
              v1::Login::SUCCESS, v1::Login::PASSWORD, p_.has_totp);
    const Place far = RandomPlace(rng_, FarCity(rng_, victim.city),
                                  NetworkKind::kHosting);
    const SynthContext ctx = ContextAt(rng_, far, attacker_device_, Agent::kHeadless);
    em_.Login(t, ctx, v1::Login::SUCCESS);
    if (rng_.Chance(0.4)) {
      em_.Change(t + Minutes(2, 20), ctx, v1::AccountChange::API_KEY,
                 v1::AccountChange::ADDED, v1::AccountChange::SELF_SERVICE);
    }
    if (rng_.Chance(0.3)) {
      em_.Support(t + Minutes(21, 60), ctx, Ticket(), v1::SupportRequest::TICKET,
                  v1::OTHER, v1::DESTINATION_UNSPECIFIED, true);
    }
  }

  const Profile& p_;
  const AttackPlan& plan_;
  EpochMicros period_start_;
  Rng rng_;
  Emitter em_;
  Place attacker_place_;
  std::uint64_t attacker_device_ = 0;
};

}  // namespace

std::string_view name(AttackKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < kNames.size() ? kNames[i] : std::string_view{};
}

std::optional<AttackKind> AttackKindFromName(std::string_view text) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == text) return static_cast<AttackKind>(i);
  }
  return std::nullopt;
}

AttackPlan PlanAttack(std::uint64_t seed, std::uint32_t account,
                      double attack_rate, EpochMicros period_start, int days) {
  Rng rng(DeriveSeed({seed, account, 0xa7}));
  AttackPlan plan;
  if (!rng.Chance(attack_rate)) return plan;
  plan.attacked = true;
  double pick = rng.Uniform();
  int kind = 0;
  while (kind < kAttackKindCount - 1 && pick >= kWeights[kind]) {
    pick -= kWeights[kind];
    ++kind;
  }
  plan.kind = static_cast<AttackKind>(kind);
  // Leave the customer time to build habits first (a quarter of the period,
  // or 30% of a short one), and the attack time to play out before the end.
  const std::int64_t period_s = static_cast<std::int64_t>(days) * 86400;
  const std::int64_t lo = days >= 4 ? period_s / 4 : period_s * 3 / 10;
  const std::int64_t hi = std::max(lo + 3600, period_s - 8 * 3600);
  plan.primary_at = period_start + rng.Between(lo, hi) * kSecond;
  plan.start = plan.primary_at;
  if (plan.kind != AttackKind::kCredentialStuffing &&
      rng.Chance(kStuffingFirstChance)) {
    plan.stuffing_first = true;
    plan.start = plan.primary_at - rng.Between(3600, 6 * 3600) * kSecond;
  }
  return plan;
}

void GenerateAttack(const Profile& profile, const AttackPlan& plan,
                    std::uint64_t seed, EpochMicros period_start,
                    std::vector<SynthEvent>& out) {
  if (!plan.attacked) return;
  Story(profile, plan, seed, period_start, out).Run();
}

}  // namespace riskd::tools
