// failed_verification_burst: the `count`-th failed verification within
// `window` (and every further one while the burst lasts).
#include "scoring/rules/rule.h"

namespace riskd::scoring::rules {

std::optional<Evidence> FailedVerificationBurst(const RuleInput& in,
                                                Summary& s) {
  const Event& e = in.event;
  if (e.kind != EventKind::kVerification || e.success) return std::nullopt;
  auto ids = AddToBurst(s.failed_verifications, e, in.rule.window,
                        in.rule.count);
  if (!ids) return std::nullopt;
  return Evidence{in.rule.points, std::move(*ids),
                  std::to_string(in.rule.count) +
                      " or more failed verifications within the window"};
}

}  // namespace riskd::scoring::rules
