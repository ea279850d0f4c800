#include "scoring/fold.h"

#include "scoring/familiar.h"
#include "scoring/rules/rule.h"

namespace riskd::scoring {
namespace {

void Record(Summary& s, RuleId rule, EpochMicros at, rules::Evidence ev) {
  auto& slot = s.firings[static_cast<int>(rule)];
  // "Most recent in event time": a late event cannot displace a later one.
  if (slot && slot->fired_at > at) return;
  slot = StoredFiring{at, ev.points, std::move(ev.event_ids),
                      std::move(ev.detail)};
}

}  // namespace

void Fold(Summary& s, const Event& e, const ScoringConfig& c) {
  const Familiarity familiarity = e.kind == EventKind::kLabel
                                      ? Familiarity::kNotJudged
                                      : Judge(s, e, c);
  for (int r = 0; r < kRuleCount; ++r) {
    const auto rule = static_cast<RuleId>(r);
    const RuleConfig& rc = c.rule(rule);
    if (!rc.enabled) continue;
    const rules::RuleInput in{e, rc, familiarity};
    if (auto evidence = rules::CheckOf(rule)(in, s)) {
      Record(s, rule, e.occurred_at, std::move(*evidence));
    }
  }
  ApplyEffects(s, e, familiarity == Familiarity::kUnfamiliar, c);
}

}  // namespace riskd::scoring
