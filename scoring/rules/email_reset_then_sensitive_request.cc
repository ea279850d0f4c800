// email_reset_then_sensitive_request: a password reset via EMAIL (requested
// or completed) followed within `window` by a support request for a
// sensitive action: the signature of the SPEC section 1 incident. Delivery
// to the mailbox itself (EMAIL_ON_FILE, NEW_EMAIL) adds a bonus.
#include "scoring/rules/rule.h"

namespace riskd::scoring::rules {

std::optional<Evidence> EmailResetThenSensitiveRequest(const RuleInput& in,
                                                       Summary& s) {
  const Event& e = in.event;
  if (e.kind != EventKind::kSupportRequest || !IsSensitive(e.action)) {
    return std::nullopt;
  }
  const Mark* reset = EmailResetWithin(s, e.occurred_at, in.rule.window);
  if (reset == nullptr) return std::nullopt;

  const bool to_mailbox = e.deliver_to == Destination::kEmailOnFile ||
                          e.deliver_to == Destination::kNewEmail;
  Evidence ev;
  ev.points = in.rule.points + (to_mailbox ? in.rule.email_delivery_bonus : 0);
  ev.event_ids = {reset->event_id, e.id};
  ev.detail = "EMAIL reset then " + std::string(name(e.action)) + " via " +
              std::string(name(e.support_channel));
  if (e.deliver_to) ev.detail += " to " + std::string(name(*e.deliver_to));
  return ev;
}

}  // namespace riskd::scoring::rules
