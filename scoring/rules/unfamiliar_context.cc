// unfamiliar_context: a login (any result), password reset (any stage or
// channel) or support request whose device id, network and ASN all differ
// from the account's familiar contexts (see scoring/familiar.h).
#include "scoring/rules/rule.h"

namespace riskd::scoring::rules {

std::optional<Evidence> UnfamiliarContext(const RuleInput& in, Summary&) {
  const Event& e = in.event;
  const bool judged_kind = e.kind == EventKind::kLogin ||
                           e.kind == EventKind::kPasswordReset ||
                           e.kind == EventKind::kSupportRequest;
  if (!judged_kind || in.familiarity != Familiarity::kUnfamiliar) {
    return std::nullopt;
  }
  return Evidence{in.rule.points,
                  {e.id},
                  "device, network and ASN all unfamiliar"};
}

}  // namespace riskd::scoring::rules
