// mfa_removed: an account change removing MFA.
#include "scoring/rules/rule.h"

namespace riskd::scoring::rules {

std::optional<Evidence> MfaRemoved(const RuleInput& in, Summary&) {
  const Event& e = in.event;
  if (e.kind != EventKind::kAccountChange ||
      e.change_field != ChangeField::kMfa ||
      e.change_operation != ChangeOperation::kRemoved) {
    return std::nullopt;
  }
  return Evidence{in.rule.points, {e.id}, "MFA removed"};
}

}  // namespace riskd::scoring::rules
