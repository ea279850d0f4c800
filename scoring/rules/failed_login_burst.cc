// failed_login_burst: the `count`-th failed login within `window` (and
// every further one while the burst lasts).
#include "scoring/rules/rule.h"

namespace riskd::scoring::rules {

std::optional<Evidence> FailedLoginBurst(const RuleInput& in, Summary& s) {
  const Event& e = in.event;
  if (e.kind != EventKind::kLogin || e.success) return std::nullopt;
  auto ids = AddToBurst(s.failed_logins, e, in.rule.window, in.rule.count);
  if (!ids) return std::nullopt;
  return Evidence{in.rule.points, std::move(*ids),
                  std::to_string(in.rule.count) +
                      " or more failed logins within the window"};
}

}  // namespace riskd::scoring::rules
