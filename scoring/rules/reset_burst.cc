// reset_burst: the `count`-th password reset REQUESTED (any channel) within
// `window` (and every further one while the burst lasts).
#include "scoring/rules/rule.h"

namespace riskd::scoring::rules {

std::optional<Evidence> ResetBurst(const RuleInput& in, Summary& s) {
  const Event& e = in.event;
  if (e.kind != EventKind::kPasswordReset ||
      e.reset_stage != ResetStage::kRequested) {
    return std::nullopt;
  }
  auto ids = AddToBurst(s.reset_requests, e, in.rule.window, in.rule.count);
  if (!ids) return std::nullopt;
  return Evidence{in.rule.points, std::move(*ids),
                  std::to_string(in.rule.count) +
                      " or more reset requests within the window"};
}

}  // namespace riskd::scoring::rules
