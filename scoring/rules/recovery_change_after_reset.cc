// recovery_change_after_reset: within `window` after an EMAIL reset, a
// change (any operation) to what recovers or verifies the account: EMAIL,
// PHONE, MFA, SUPPORT_PIN or RECOVERY_OPTIONS. PASSWORD and API_KEY do not
// count: a reset changes the password by definition.
#include "scoring/rules/rule.h"

namespace riskd::scoring::rules {
namespace {

bool IsRecoveryField(ChangeField field) {
  switch (field) {
    case ChangeField::kEmail:
    case ChangeField::kPhone:
    case ChangeField::kMfa:
    case ChangeField::kSupportPin:
    case ChangeField::kRecoveryOptions:
      return true;
    case ChangeField::kPassword:
    case ChangeField::kApiKey:
      return false;
  }
  return false;
}

}  // namespace

std::optional<Evidence> RecoveryChangeAfterReset(const RuleInput& in,
                                                 Summary& s) {
  const Event& e = in.event;
  if (e.kind != EventKind::kAccountChange || !IsRecoveryField(e.change_field)) {
    return std::nullopt;
  }
  const Mark* reset = EmailResetWithin(s, e.occurred_at, in.rule.window);
  if (reset == nullptr) return std::nullopt;
  return Evidence{in.rule.points,
                  {reset->event_id, e.id},
                  "EMAIL reset then a change to recovery or MFA settings"};
}

}  // namespace riskd::scoring::rules
