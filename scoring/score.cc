#include "scoring/score.h"

#include <algorithm>
#include <cmath>

namespace riskd::scoring {

double Decayed(double points, EpochMicros fired_at, EpochMicros as_of,
               DurationMicros half_life) {
  const double age = static_cast<double>(as_of - fired_at);
  return points * std::exp2(-age / static_cast<double>(half_life));
}

bool IsCleared(const Summary& s, EpochMicros fired_at, EpochMicros as_of) {
  // clearings is ascending: find the newest one at or before as_of.
  auto it = std::upper_bound(s.clearings.begin(), s.clearings.end(), as_of);
  return it != s.clearings.begin() && *std::prev(it) >= fired_at;
}

double Contribution(const Summary& s, RuleId rule, EpochMicros as_of,
                    const ScoringConfig& c) {
  const auto& firing = s.firings[static_cast<int>(rule)];
  if (!firing || !IsLive(c.rule(rule)) || firing->fired_at > as_of ||
      IsCleared(s, firing->fired_at, as_of)) {
    return 0;
  }
  return Decayed(firing->points, firing->fired_at, as_of, c.half_life);
}

double ScoreAt(const Summary& s, EpochMicros as_of, const ScoringConfig& c) {
  double sum = 0;
  for (int r = 0; r < kRuleCount; ++r) {
    sum += Contribution(s, static_cast<RuleId>(r), as_of, c);
  }
  return std::min(sum, kMaxScore);
}

Level LevelForScore(double score, const Thresholds& t) {
  if (score >= t.critical) return Level::kCritical;
  if (score >= t.high) return Level::kHigh;
  if (score >= t.medium) return Level::kMedium;
  return Level::kLow;
}

bool PinnedCompromised(const Summary& s, EpochMicros as_of) {
  // labels is ascending by time; the last one at or before as_of decides.
  for (auto it = s.labels.rbegin(); it != s.labels.rend(); ++it) {
    if (it->at <= as_of) return it->label == Label::kCompromised;
  }
  return false;
}

Level LevelAt(const Summary& s, EpochMicros as_of, const ScoringConfig& c) {
  if (PinnedCompromised(s, as_of)) return Level::kCritical;
  return LevelForScore(ScoreAt(s, as_of, c), c.thresholds);
}

bool IsTainted(const Summary& s, Factor factor, EpochMicros as_of) {
  return s.factor_taints[static_cast<int>(factor)].Contains(as_of);
}

bool IsForbidden(const Summary& s, Destination destination,
                 EpochMicros as_of) {
  return s.forbidden[static_cast<int>(destination)].Contains(as_of);
}

}  // namespace riskd::scoring
