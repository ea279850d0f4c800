// email_reset_then_unfamiliar_login: an EMAIL reset followed within
// `window` by a successful login from an unfamiliar context: someone who
// reset the password through the mailbox is now logged in from elsewhere.
#include "scoring/rules/rule.h"

namespace riskd::scoring::rules {

std::optional<Evidence> EmailResetThenUnfamiliarLogin(const RuleInput& in,
                                                      Summary& s) {
  const Event& e = in.event;
  if (e.kind != EventKind::kLogin || !e.success ||
      in.familiarity != Familiarity::kUnfamiliar) {
    return std::nullopt;
  }
  const Mark* reset = EmailResetWithin(s, e.occurred_at, in.rule.window);
  if (reset == nullptr) return std::nullopt;
  return Evidence{in.rule.points,
                  {reset->event_id, e.id},
                  "EMAIL reset then successful login from an unfamiliar context"};
}

}  // namespace riskd::scoring::rules
