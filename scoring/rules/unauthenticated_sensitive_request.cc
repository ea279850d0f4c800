// unauthenticated_sensitive_request: a support request for a sensitive
// action from a requester who was not authenticated.
#include "scoring/rules/rule.h"

namespace riskd::scoring::rules {

std::optional<Evidence> UnauthenticatedSensitiveRequest(const RuleInput& in,
                                                        Summary&) {
  const Event& e = in.event;
  if (e.kind != EventKind::kSupportRequest || !IsSensitive(e.action) ||
      e.requester_authenticated) {
    return std::nullopt;
  }
  return Evidence{in.rule.points,
                  {e.id},
                  "unauthenticated requester asked for " +
                      std::string(name(e.action))};
}

}  // namespace riskd::scoring::rules
