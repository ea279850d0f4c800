// Validate(): walks the knob table so that every problem names the exact
// YAML path, and collects all problems instead of stopping at the first.
#include <cmath>
#include <string_view>

#include "scoring/config.h"
#include "scoring/state_budget.h"

namespace riskd::scoring {
namespace {

// Bounds that keep state and arithmetic sane (no overflow when durations are
// added to event times, bounded per-account memory).
constexpr DurationMicros kMaxDuration = 3650 * kDay;
constexpr std::int64_t kMaxCount = 1000;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

class Checker {
 public:
  void Fail(const std::string& path, std::string message) {
    problems_.push_back(ConfigProblem{path, std::move(message)});
  }
  std::vector<ConfigProblem> Take() { return std::move(problems_); }

  void CheckDuration(const Knob& k, DurationMicros d) {
    // Lateness and validity may be zero (strict order, no step-up memory).
    const bool zero_ok = k.path == "scoring.allowed_lateness" ||
                         k.path == "scoring.step_up_validity";
    if (d < 0 || (d == 0 && !zero_ok)) {
      Fail(k.path, zero_ok ? "must be >= 0" : "must be > 0");
    } else if (d > kMaxDuration) {
      Fail(k.path, "must be at most 3650d");
    }
  }

  void CheckInt(const Knob& k, std::int64_t v) {
    std::int64_t max = kMaxCount;
    if (k.path == "scoring.max_pending_events") max = 100'000;
    if (k.path == "scoring.max_remembered_event_ids") max = 1'000'000;
    std::int64_t min = 1;
    if (k.path == "scoring.max_state_bytes") {
      min = kMinStateBytes;
      max = kMaxStateBytes;
    }
    if (v < min || v > max) {
      Fail(k.path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
  }

  void CheckDouble(const Knob& k, double v) {
    if (!std::isfinite(v)) {
      Fail(k.path, "must be a finite number");
    } else if (EndsWith(k.path, ".max_speed_kmh") && v <= 0) {
      Fail(k.path, "must be > 0");
    } else if (v < 0) {
      Fail(k.path, "must be >= 0");
    }
  }

  void CheckFactors(const Knob& k, const std::vector<Factor>& factors) {
    if (factors.empty()) Fail(k.path, "must name at least one factor");
    bool seen[kFactorCount] = {};
    for (Factor f : factors) {
      const auto i = static_cast<std::size_t>(f);
      if (i >= kFactorCount) {
        Fail(k.path, "unknown factor");
      } else if (seen[i]) {
        Fail(k.path, "lists " + std::string(name(f)) + " twice");
      } else {
        seen[i] = true;
      }
    }
  }

 private:
  std::vector<ConfigProblem> problems_;
};

}  // namespace

std::vector<ConfigProblem> Validate(const ScoringConfig& config) {
  ScoringConfig copy = config;  // ListKnobs hands out mutable pointers
  Checker check;
  for (const Knob& k : ListKnobs(copy)) {
    switch (k.kind) {
      case KnobKind::kBool:
        break;
      case KnobKind::kInt:
        check.CheckInt(k, *static_cast<const std::int64_t*>(k.target));
        break;
      case KnobKind::kDouble:
        check.CheckDouble(k, *static_cast<const double*>(k.target));
        break;
      case KnobKind::kDuration:
        check.CheckDuration(k, *static_cast<const DurationMicros*>(k.target));
        break;
      case KnobKind::kLevel:
        if (static_cast<int>(*static_cast<const Level*>(k.target)) >=
            kLevelCount) {
          check.Fail(k.path, "unknown level");
        }
        break;
      case KnobKind::kDecision:
        if (static_cast<int>(*static_cast<const Decision*>(k.target)) >=
            kDecisionCount) {
          check.Fail(k.path, "unknown decision");
        }
        break;
      case KnobKind::kFactorList:
        check.CheckFactors(k,
                           *static_cast<const std::vector<Factor>*>(k.target));
        break;
    }
  }
  // Cross-field rules, reported on the knob a user would change.
  const Thresholds& t = config.thresholds;
  if (!(t.medium > 0)) {
    check.Fail("scoring.thresholds.medium", "must be > 0");
  }
  if (!(t.high > t.medium)) {
    check.Fail("scoring.thresholds.high", "must be greater than medium");
  }
  if (!(t.critical > t.high)) {
    check.Fail("scoring.thresholds.critical", "must be greater than high");
  }
  if (!(t.critical <= 100)) {
    check.Fail("scoring.thresholds.critical",
               "must be at most 100 (the score is capped at 100)");
  }
  if (config.duplicate_window < config.allowed_lateness) {
    check.Fail("scoring.duplicate_window",
               "must be at least scoring.allowed_lateness");
  }
  // The budget must hold what trimming may not drop (README "State byte
  // budget"): rule memories grow with the burst counts.
  if (config.max_state_bytes >= kMinStateBytes && config.max_state_bytes <= kMaxStateBytes) {
    const auto floor = IrreducibleStateBytes(config);
    if (floor > static_cast<std::uint64_t>(config.max_state_bytes)) {
      check.Fail("scoring.max_state_bytes",
                 "must be at least " + std::to_string(floor) +
                     ": the rule memories the configured burst counts and max_familiar_per_kind "
                     "keep can reach that size (lower the counts, or raise the budget up to " +
                     std::to_string(kMaxStateBytes) + ")");
    }
  }
  return check.Take();
}

}  // namespace riskd::scoring
