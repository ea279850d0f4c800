// Backtest figures from a replay with labels (definitions in README.md):
// account-level confusion counts at a score threshold, precision / recall /
// F1 at each level, per attack kind, the precision-recall curve, time from
// attack start to first HIGH, and the decisions on sensitive requests.
//
// An account is *flagged at threshold s* when its score reached s at some
// event. An attacked account is a true positive when it reached s at or
// after its attack start; reaching s only before the attack counts as a
// false positive and the attack as missed (a false negative). A benign
// account that reached s is a false positive; otherwise a true negative.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/tools/replay.h"

namespace riskd::tools {

struct Confusion {
  std::uint32_t tp = 0, fp = 0, fn = 0, tn = 0;
  // nullopt when nothing was flagged (precision) or nothing was attacked.
  std::optional<double> precision() const;
  std::optional<double> recall() const;
  std::optional<double> f1() const;
};

// Over all accounts, or (kind non-empty) over the accounts attacked with
// that kind plus every benign account: "precision if this were the only
// attack", so that each kind's false positives are the same benign flags.
Confusion ConfusionAt(const ReplayResult& replay, const ArmResult& arm,
                      double threshold, const std::string& kind = "");

// The attack kinds of the labels, sorted.
std::vector<std::string> AttackKinds(const ReplayResult& replay);

// The score at which `level` starts under `config`.
double LevelThreshold(const scoring::ScoringConfig& config, scoring::Level level);
scoring::Level LevelOf(const scoring::ScoringConfig& config, double score);

struct PrPoint {
  double threshold = 0;
  Confusion counts;
};
// One point per integer threshold 1..100.
std::vector<PrPoint> PrCurve(const ReplayResult& replay, const ArmResult& arm);

struct TimeToHigh {
  std::uint32_t attacked = 0;  // attacked accounts (of the kind)
  std::uint32_t reached = 0;   // ... that reached HIGH at/after attack start
  // Over the accounts that reached it; 0 when none did.
  scoring::DurationMicros median = 0, p90 = 0, max = 0;
};
TimeToHigh TimeToFirstHigh(const ReplayResult& replay, const ArmResult& arm,
                           const std::string& kind = "");

// Decisions on sensitive support requests: [action][decision] counts,
// separately for requests during an attack and all others.
struct DecisionTable {
  std::uint32_t during_attack[scoring::kActionCount][scoring::kDecisionCount]{};
  std::uint32_t other[scoring::kActionCount][scoring::kDecisionCount]{};
};
DecisionTable Decisions(const ReplayResult& replay, const ArmResult& arm);

}  // namespace riskd::tools
