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
  // Only the newest count-1 marks can join a later burst: bounded memory.
  const auto keep = static_cast<std::size_t>(std::max<std::int64_t>(count, 1));
  if (marks.size() > keep) marks.erase(marks.begin(), marks.end() - keep);
  return ids;
}

}  // namespace riskd::scoring::rules
