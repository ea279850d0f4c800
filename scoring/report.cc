#include "scoring/report.h"

#include <algorithm>

#include "scoring/score.h"

namespace riskd::scoring {

RiskReport BuildReport(const Summary& v, const AccountState& state,
                       EpochMicros as_of, const ScoringConfig& c) {
  RiskReport r;
  r.known = state.known();
  r.updated_at = r.known ? state.newest_event_at : 0;
  double sum = 0;
  for (int i = 0; i < kRuleCount; ++i) {
    const auto rule = static_cast<RuleId>(i);
    const double points = Contribution(v, rule, as_of, c);
    if (points <= 0) continue;
    sum += points;  // in RuleId order, exactly as ScoreAt sums
    const StoredFiring& f = *v.firings[i];
    r.reasons.push_back(Reason{rule, points, f.fired_at, f.event_ids, f.detail});
  }
  r.score = std::min(sum, kMaxScore);
  r.level = PinnedCompromised(v, as_of) ? Level::kCritical
                                        : LevelForScore(r.score, c.thresholds);
  std::stable_sort(r.reasons.begin(), r.reasons.end(),
                   [](const Reason& a, const Reason& b) {
                     return a.points > b.points;
                   });
  for (int f = 0; f < kFactorCount; ++f) {
    if (IsTainted(v, static_cast<Factor>(f), as_of)) {
      r.tainted_factors.push_back(static_cast<Factor>(f));
    }
  }
  for (int d = 0; d < kDestinationCount; ++d) {
    if (IsForbidden(v, static_cast<Destination>(d), as_of)) {
      r.forbidden_destinations.push_back(static_cast<Destination>(d));
    }
  }
  return r;
}

}  // namespace riskd::scoring
