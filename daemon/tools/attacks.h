// The attacks riskctl generate injects, each a short story told in events on
// top of the victim's ordinary activity (which goes on: the victim keeps
// logging in while the attacker works).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "daemon/tools/synth_event.h"
#include "daemon/tools/world.h"
#include "scoring/time.h"

namespace riskd::tools {

enum class AttackKind : std::uint8_t {
  // SPEC section 1: mailbox taken over, password reset by email, login from
  // the attacker's machine, live chat asking for credentials to be sent to
  // the email on file (PIN read from the dashboard, or skipped).
  kMailboxTakeoverCredentials,
  // Reset by email and log in; sometimes change the recovery email.
  kResetTakeover,
  // A burst of failed logins from a botnet; sometimes one succeeds. A
  // quarter are "low and slow" (fewer attempts than a burst).
  kCredentialStuffing,
  // Reset by email, log in, remove the victim's MFA if any, enrol the
  // attacker's own.
  kMfaEnrolment,
  // Get the phone number on file changed (talking support into it, or
  // self-service after an email reset), then reset the password by SMS.
  kPhoneChangeSmsReset,
  // A stolen password used from another continent minutes after the victim
  // logged in at home.
  kImpossibleTravel,
};
inline constexpr int kAttackKindCount = 6;

// "mailbox_takeover_credentials", "reset_takeover", "credential_stuffing",
// "mfa_enrolment", "phone_change_sms_reset", "impossible_travel".
std::string_view name(AttackKind kind);
std::optional<AttackKind> AttackKindFromName(std::string_view text);

// Whether and how an account is attacked. A pure function of
// (seed, account, rate, period), so it can be asked again on every day.
struct AttackPlan {
  bool attacked = false;
  AttackKind kind = AttackKind::kResetTakeover;
  // Some takeovers are preceded by a credential-stuffing burst hours before
  // (the attacker tried the password first): the attack then starts there.
  bool stuffing_first = false;
  scoring::EpochMicros primary_at = 0;  // the kind's first attacker event
  scoring::EpochMicros start = 0;       // the first attacker event of all
};

AttackPlan PlanAttack(std::uint64_t seed, std::uint32_t account,
                      double attack_rate, scoring::EpochMicros period_start,
                      int days);

// Every event of the attack, unsorted, including a victim's login that the
// impossible-travel story needs just before the attacker's. Events span at
// most two days after plan.start.
void GenerateAttack(const Profile& profile, const AttackPlan& plan,
                    std::uint64_t seed, scoring::EpochMicros period_start,
                    std::vector<SynthEvent>& out);

// The generator's Emitter day number for attack events: no benign day uses
// it, so attack events never share an identity with benign ones.
inline constexpr std::uint16_t kAttackDay = 0xffff;

}  // namespace riskd::tools
