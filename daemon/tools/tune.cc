#include "daemon/tools/tune.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "daemon/tools/config_diff.h"

namespace riskd::tools {
namespace {

using scoring::Level;
using scoring::ScoringConfig;
using ConfigPtr = std::shared_ptr<const ScoringConfig>;

constexpr double kPointMultipliers[] = {0, 0.5, 0.75, 1.25, 1.5, 2};

double& ThresholdOf(ScoringConfig& c, Level level) {
  return level == Level::kMedium ? c.thresholds.medium
         : level == Level::kHigh ? c.thresholds.high
                                 : c.thresholds.critical;
}

// `base` with `level` starting at `s`, neighbours moved just enough to keep
// medium < high < critical <= 100; nullptr when that is impossible.
std::shared_ptr<ScoringConfig> WithThreshold(const ScoringConfig& base, Level level, double s) {
  auto c = std::make_shared<ScoringConfig>(base);
  ThresholdOf(*c, level) = s;
  scoring::Thresholds& t = c->thresholds;
  if (level == Level::kHigh) {
    if (t.medium >= s) t.medium = s - 1;
    if (t.critical <= s) t.critical = s + 1;
  } else if (level == Level::kMedium) {
    if (t.high <= s) t.high = s + 1;
    if (t.critical <= t.high) t.critical = t.high + 1;
  } else {
    if (t.high >= s) t.high = s - 1;
    if (t.medium >= t.high) t.medium = t.high - 1;
  }
  if (!scoring::Validate(*c).empty()) return nullptr;
  return c;
}

bool Meets(const Confusion& c, const TuneOptions& o) {
  if (o.target_precision) return c.precision() && *c.precision() >= *o.target_precision;
  return c.recall() && *c.recall() >= *o.target_recall;
}

// Higher is better. Meeting the target always beats missing it; among those
// meeting it, the other measure decides; among those missing it, closeness.
double Objective(const Confusion& c, const TuneOptions& o) {
  const double p = c.precision().value_or(0), r = c.recall().value_or(0);
  if (Meets(c, o)) return o.target_precision ? 2 + r + 1e-6 * p : 2 + p + 1e-6 * r;
  return o.target_precision ? p + 1e-6 * r : r + 1e-6 * p;
}

struct Candidate {
  double threshold = 0;
  Confusion counts;
  double objective = 0;
};

// Integer thresholds 1..100 of `level` on one arm, best first.
std::vector<Candidate> Sweep(const ReplayResult& replay, const ArmResult& arm,
                             const TuneOptions& o) {
  std::vector<Candidate> out;
  for (int s = 1; s <= 100; ++s) {
    if (!WithThreshold(*arm.config, o.level, s)) continue;
    const Confusion c = ConfusionAt(replay, arm, s);
    out.push_back({static_cast<double>(s), c, Objective(c, o)});
  }
  // Equal figures: the smallest change from the current threshold wins.
  const double current = LevelThreshold(*arm.config, o.level);
  std::stable_sort(out.begin(), out.end(), [&](const Candidate& a, const Candidate& b) {
    if (a.objective != b.objective) return a.objective > b.objective;
    return std::fabs(a.threshold - current) < std::fabs(b.threshold - current);
  });
  return out;
}

// Replays `configs` in passes of at most arms_per_pass arms.
Result<std::vector<ArmResult>> ReplayAll(const std::vector<ConfigPtr>& configs,
                                         const TuneOptions& o, const StreamReplay& replay,
                                         int& passes, ReplayResult& last) {
  std::vector<ArmResult> arms;
  const std::size_t step = static_cast<std::size_t>(std::max(1, o.arms_per_pass));
  for (std::size_t i = 0; i < configs.size(); i += step) {
    std::vector<ConfigPtr> batch(configs.begin() + static_cast<std::ptrdiff_t>(i),
                                 configs.begin() + static_cast<std::ptrdiff_t>(std::min(configs.size(), i + step)));
    auto r = replay(batch);
    ++passes;
    if (!r.ok()) return r.error();
    for (ArmResult& arm : r->arms) arms.push_back(std::move(arm));
    r->arms.clear();
    last = std::move(*r);
  }
  return arms;
}

}  // namespace

Result<TuneResult> Tune(ConfigPtr current, const TuneOptions& o, const StreamReplay& replay) {
  if (o.target_precision.has_value() == o.target_recall.has_value()) {
    return Error{"invalid_argument", "give exactly one of a precision or a recall target"};
  }
  if (o.level == Level::kLow) return Error{"invalid_argument", "LOW has no threshold to tune"};
  TuneResult result;
  result.current = current;
  ReplayResult meta;  // labels and requests: the same in every pass

  auto base = ReplayAll({current}, o, replay, result.replays, meta);
  if (!base.ok()) return base.error();
  ArmResult& base_arm = (*base)[0];
  result.before = ConfusionAt(meta, base_arm, LevelThreshold(*current, o.level));

  ConfigPtr best_config = current;
  std::vector<Candidate> best = Sweep(meta, base_arm, o);
  if (best.empty()) return Error{"invalid_argument", "no valid threshold for that level"};

  for (int round = 0; o.sweep_points && round < o.rounds; ++round) {
    std::vector<ConfigPtr> variants;
    for (int i = 0; i < scoring::kRuleCount; ++i) {
      const auto& rule = best_config->rules[i];
      if (!scoring::IsLive(rule) || rule.points <= 0) continue;
      for (double m : kPointMultipliers) {
        auto v = std::make_shared<ScoringConfig>(*best_config);
        v->rules[i].points = rule.points * m;
        if (scoring::Validate(*v).empty()) variants.push_back(v);
      }
    }
    auto arms = ReplayAll(variants, o, replay, result.replays, meta);
    if (!arms.ok()) return arms.error();
    bool improved = false;
    for (ArmResult& arm : *arms) {
      std::vector<Candidate> sweep = Sweep(meta, arm, o);
      if (!sweep.empty() && sweep[0].objective > best[0].objective + 1e-9) {
        best = std::move(sweep);
        best_config = arm.config;
        improved = true;
      }
    }
    if (!improved) break;
  }

  // Verify the best few settings with real replays.
  std::vector<ConfigPtr> finalists;
  for (const Candidate& c : best) {
    if (finalists.size() >= static_cast<std::size_t>(o.verify_candidates)) break;
    finalists.push_back(WithThreshold(*best_config, o.level, c.threshold));
  }
  auto verified = ReplayAll(finalists, o, replay, result.replays, meta);
  if (!verified.ok()) return verified.error();
  double best_objective = -1;
  for (ArmResult& arm : *verified) {
    const double s = LevelThreshold(*arm.config, o.level);
    const Confusion c = ConfusionAt(meta, arm, s);
    const double objective = Objective(c, o);
    if (objective > best_objective) {
      best_objective = objective;
      result.proposed = arm.config;
      result.after = c;
      result.met = Meets(c, o);
    }
  }
  return result;
}

std::string FormatTune(const TuneResult& r, const TuneOptions& o) {
  auto ratio = [](std::optional<double> v) {
    char buf[16];
    if (!v) return std::string("n/a");
    std::snprintf(buf, sizeof buf, "%.3f", *v);
    return std::string(buf);
  };
  auto line = [&](const char* what, const ScoringConfig& c, const Confusion& k) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "%-9s %s at %g: precision %s, recall %s, F1 %s (TP %u, FP %u, FN %u, TN %u)\n",
                  what, std::string(name(o.level)).c_str(),
                  LevelThreshold(c, o.level), ratio(k.precision()).c_str(),
                  ratio(k.recall()).c_str(), ratio(k.f1()).c_str(), k.tp, k.fp, k.fn, k.tn);
    return std::string(buf);
  };
  std::string out = "# riskctl tune: target ";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s >= %g", o.target_precision ? "precision" : "recall",
                o.target_precision ? *o.target_precision : *o.target_recall);
  out += buf;
  out += " at " + std::string(name(o.level)) + (o.sweep_points ? ", rule points swept" : "") + "\n";
  out += "# " + line("current", *r.current, r.before);
  out += "# " + line("proposed", *r.proposed, r.after);
  out += r.met ? "# the proposal meets the target (verified by replay, " +
                     std::to_string(r.replays) + " passes)\n"
               : "# NO setting tried meets the target; the closest is shown\n";
  const std::string diff = ConfigDiff(*r.current, *r.proposed);
  if (diff.empty()) {
    out += "# no change needed\n";
  } else {
    out += "--- current\n+++ proposed\n" + diff;
  }
  return out;
}

}  // namespace riskd::tools
