// Helpers shared by the rules, and the RuleId -> check table.
#include <algorithm>

#include "scoring/rules/rule.h"

namespace riskd::scoring::rules {

RuleCheck CheckOf(RuleId rule) {
  static constexpr RuleCheck kChecks[kRuleCount] = {
      EmailResetThenSensitiveRequest, EmailResetThenUnfamiliarLogin,
      RecoveryChangeAfterReset,       UnfamiliarContext,
      UnauthenticatedSensitiveRequest, FailedVerificationBurst,
      FailedLoginBurst,               ImpossibleTravel,
      ResetBurst,                     MfaRemoved,
  };
  return kChecks[static_cast<int>(rule)];
}

const Mark* EmailResetWithin(const Summary& s, EpochMicros t,
                             DurationMicros window) {
  // A reset an analyst has since labelled LEGITIMATE pairs with nothing.
  if (!s.email_reset || s.email_reset_forgiven) return nullptr;
  const EpochMicros at = s.email_reset->at;
  return (at <= t && t - at <= window) ? &*s.email_reset : nullptr;
}

std::optional<std::vector<std::string>> AddToBurst(std::vector<Mark>& marks,
                                                   const Event& e,
                                                   DurationMicros window,
                                                   std::int64_t count) {
  auto less = [](const Mark& a, const Mark& b) {
    return a.at != b.at ? a.at < b.at : a.event_id < b.event_id;
  };
  const Mark mark{e.occurred_at, e.id};
  auto pos = marks.insert(
      std::upper_bound(marks.begin(), marks.end(), mark, less), mark);
  const auto index = static_cast<std::int64_t>(pos - marks.begin());

  std::optional<std::vector<std::string>> ids;
  if (index + 1 >= count) {
    const auto first = marks.begin() + (index + 1 - count);
    if (e.occurred_at - first->at <= window) {
      ids.emplace();
      for (auto it = first; it <= pos; ++it) ids->push_back(it->event_id);
    }
  }
  // A later event (in order) can only join the newest `count` marks that
  // lie within `window` of the newest one: bounded, and usually tiny.
  const EpochMicros oldest_useful = marks.back().at - window;
  auto first_useful = std::lower_bound(
      marks.begin(), marks.end(), oldest_useful,
      [](const Mark& m, EpochMicros t) { return m.at < t; });
  const auto keep = static_cast<std::size_t>(std::max<std::int64_t>(count, 1));
  if (static_cast<std::size_t>(marks.end() - first_useful) > keep) {
    first_useful = marks.end() - static_cast<std::ptrdiff_t>(keep);
  }
  marks.erase(marks.begin(), first_useful);
  return ids;
}

}  // namespace riskd::scoring::rules
