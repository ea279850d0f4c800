#include "daemon/tools/backtest.h"

#include <algorithm>
#include <set>

namespace riskd::tools {

using scoring::Level;

std::optional<double> Confusion::precision() const {
  if (tp + fp == 0) return std::nullopt;
  return static_cast<double>(tp) / (tp + fp);
}

std::optional<double> Confusion::recall() const {
  if (tp + fn == 0) return std::nullopt;
  return static_cast<double>(tp) / (tp + fn);
}

std::optional<double> Confusion::f1() const {
  const auto p = precision(), r = recall();
  if (!p || !r || *p + *r == 0) return std::nullopt;
  return 2 * *p * *r / (*p + *r);
}

Confusion ConfusionAt(const ReplayResult& replay, const ArmResult& arm,
                      double threshold, const std::string& kind) {
  Confusion c;
  for (std::size_t a = 0; a < arm.accounts.size(); ++a) {
    const LabelRow& label = replay.labels[a];
    const AccountOutcome& out = arm.accounts[a];
    const bool flagged_before = out.peak_before >= threshold;
    if (!label.attacked) {
      ++(flagged_before ? c.fp : c.tn);
      continue;
    }
    if (!kind.empty() && label.attack_kind != kind) continue;
    if (out.peak_since >= threshold) {
      ++c.tp;
    } else {
      ++c.fn;
      if (flagged_before) ++c.fp;
    }
  }
  return c;
}

std::vector<std::string> AttackKinds(const ReplayResult& replay) {
  std::set<std::string> kinds;
  for (const LabelRow& row : replay.labels) {
    if (row.attacked) kinds.insert(row.attack_kind);
  }
  return {kinds.begin(), kinds.end()};
}

double LevelThreshold(const scoring::ScoringConfig& config, Level level) {
  switch (level) {
    case Level::kLow: return 0;
    case Level::kMedium: return config.thresholds.medium;
    case Level::kHigh: return config.thresholds.high;
    case Level::kCritical: return config.thresholds.critical;
  }
  return 0;
}

Level LevelOf(const scoring::ScoringConfig& config, double score) {
  if (score >= config.thresholds.critical) return Level::kCritical;
  if (score >= config.thresholds.high) return Level::kHigh;
  if (score >= config.thresholds.medium) return Level::kMedium;
  return Level::kLow;
}

std::vector<PrPoint> PrCurve(const ReplayResult& replay, const ArmResult& arm) {
  std::vector<PrPoint> curve;
  for (int s = 1; s <= 100; ++s) {
    curve.push_back({static_cast<double>(s), ConfusionAt(replay, arm, s)});
  }
  return curve;
}

TimeToHigh TimeToFirstHigh(const ReplayResult& replay, const ArmResult& arm,
                           const std::string& kind) {
  TimeToHigh t;
  std::vector<scoring::DurationMicros> delays;
  for (std::size_t a = 0; a < arm.accounts.size(); ++a) {
    const LabelRow& label = replay.labels[a];
    if (!label.attacked || (!kind.empty() && label.attack_kind != kind)) continue;
    ++t.attacked;
    const EpochMicros first = arm.accounts[a].first_high_since;
    if (first != scoring::kNever) delays.push_back(first - label.attack_start);
  }
  t.reached = static_cast<std::uint32_t>(delays.size());
  if (delays.empty()) return t;
  std::sort(delays.begin(), delays.end());
  // Nearest-rank percentiles.
  auto rank = [&](double q) {
    std::size_t i = static_cast<std::size_t>(q * static_cast<double>(delays.size()) + 0.999999);
    return delays[std::clamp<std::size_t>(i, 1, delays.size()) - 1];
  };
  t.median = rank(0.5);
  t.p90 = rank(0.9);
  t.max = delays.back();
  return t;
}

DecisionTable Decisions(const ReplayResult& replay, const ArmResult& arm) {
  DecisionTable table;
  for (std::size_t i = 0; i < replay.requests.size(); ++i) {
    const RequestInfo& info = replay.requests[i];
    const int action = static_cast<int>(info.action);
    const int decision = static_cast<int>(arm.requests[i].decision);
    ++(info.during_attack ? table.during_attack : table.other)[action][decision];
  }
  return table;
}

}  // namespace riskd::tools
