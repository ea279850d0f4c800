#include "scoring/fold.h"

#include "scoring/familiar.h"
#include "scoring/rules/rule.h"

namespace riskd::scoring {
namespace {

void Record(Summary& s, RuleId rule, EpochMicros at, rules::Evidence ev,
            FiringJournal* journal) {
  const int r = static_cast<int>(rule);
  auto& slot = s.firings[r];
  // "Most recent in event time": a late event cannot displace a later one.
  if (slot && slot->fired_at > at) return;
  if (journal && !journal->saved[r]) {
    journal->saved[r] = true;
    journal->previous[r] = std::move(slot);
  }
  slot = StoredFiring{at, ev.points, std::move(ev.event_ids),
                      std::move(ev.detail)};
}

}  // namespace

void Fold(Summary& s, const Event& e, const ScoringConfig& c,
          FiringJournal* journal) {
  const Familiarity familiarity = e.kind == EventKind::kLabel
                                      ? Familiarity::kNotJudged
                                      : Judge(s, e, c);
  for (int r = 0; r < kRuleCount; ++r) {
    const auto rule = static_cast<RuleId>(r);
    const RuleConfig& rc = c.rule(rule);
    if (!rc.enabled) continue;
    const rules::RuleInput in{e, rc, familiarity};
    if (auto evidence = rules::CheckOf(rule)(in, s)) {
      Record(s, rule, e.occurred_at, std::move(*evidence), journal);
    }
  }
  ApplyEffects(s, e, familiarity == Familiarity::kUnfamiliar, c);
}

}  // namespace riskd::scoring
