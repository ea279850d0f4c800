// ScoringConfig: every number of SPEC sections 3 and 4 as a knob, with the
// SPEC defaults; Validate() names every problem at once; ListKnobs() is the
// one table of knob paths that the YAML loader, the config dump and the
// configVersion hash walk.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "scoring/time.h"
#include "scoring/types.h"

namespace riskd::scoring {

// One rule's knobs. Not every rule uses every field: ListKnobs() exposes
// only the ones a rule reads (window/count/bonus/speed where SPEC has them).
struct RuleConfig {
  bool enabled = true;    // false: the rule is not evaluated at all
  bool shadow = false;    // true: evaluated and reported, never scored
  double points = 0;      // undecayed points of a firing
  DurationMicros window = 0;        // how far back the rule looks
  std::int64_t count = 0;           // burst rules: how many events fire it
  double email_delivery_bonus = 0;  // email_reset_then_sensitive_request only
  double max_speed_kmh = 0;         // impossible_travel only
};

// Score at or above which each level starts (LOW starts at 0).
struct Thresholds {
  double medium = 30;
  double high = 60;
  double critical = 85;
};

// Policy for one action asked of support (SPEC section 4).
struct ActionPolicy {
  // Bar for support channels below strong_at: kAllow (no bar), kStepUp
  // (a standard factor) or kDeny. Not applied to SELF_SERVICE.
  Decision support_minimum = Decision::kStepUp;
  Level strong_at = Level::kHigh;    // from this level on, strong factors only
  Level deny_at = Level::kCritical;  // from this level on, DENY
};

struct ScoringConfig {
  ScoringConfig();  // SPEC defaults

  DurationMicros half_life = 72 * kHour;        // decay of rule points
  DurationMicros allowed_lateness = kHour;      // event-time reordering slack
  DurationMicros taint_period = 30 * kDay;      // taints, forbidden destinations
  DurationMicros step_up_validity = kHour;      // a passed verification allows
  DurationMicros duplicate_window = 7 * kDay;   // repeated event ids ignored
  DurationMicros familiar_window = 90 * kDay;   // logins that make context familiar
  std::int64_t max_pending_events = 256;        // reorder buffer per account
  std::int64_t max_remembered_event_ids = 4096; // dedupe set per account
  std::int64_t max_familiar_per_kind = 32;      // device ids, networks, ASNs each
  // An account's serialized state stays at most this large, so that its
  // changelog record always fits one Kafka message (message.max.bytes,
  // 1,000,000 by default): past it the engine trims (README "State byte
  // budget"). 256 KiB.
  std::int64_t max_state_bytes = 256 * 1024;
  Thresholds thresholds;
  std::array<RuleConfig, kRuleCount> rules;     // indexed by RuleId
  std::array<ActionPolicy, kActionCount> policy;  // indexed by Action
  // "SUPPORT_PIN or better" and "independent of email and of the PIN".
  std::vector<Factor> standard_factors;
  std::vector<Factor> strong_factors;

  RuleConfig& rule(RuleId id) { return rules[static_cast<int>(id)]; }
  const RuleConfig& rule(RuleId id) const {
    return rules[static_cast<int>(id)];
  }
  ActionPolicy& action(Action a) { return policy[static_cast<int>(a)]; }
  const ActionPolicy& action(Action a) const {
    return policy[static_cast<int>(a)];
  }
};

// A rule's points count toward the score: enabled and not shadow.
inline bool IsLive(const RuleConfig& rule) {
  return rule.enabled && !rule.shadow;
}

struct ConfigProblem {
  std::string path;     // full YAML path, e.g. "scoring.thresholds.high"
  std::string message;  // what is wrong, for people
};

// Every problem of `config`, in knob order; empty when it is usable.
std::vector<ConfigProblem> Validate(const ScoringConfig& config);

// --- The knob table -------------------------------------------------------

enum class KnobKind {
  kBool,        // bool
  kInt,         // std::int64_t
  kDouble,      // double
  kDuration,    // DurationMicros (int64 microseconds)
  kLevel,       // Level
  kDecision,    // Decision
  kFactorList,  // std::vector<Factor>
};

struct Knob {
  std::string path;  // full YAML path from the config file root
  KnobKind kind;
  void* target;      // points into the ScoringConfig passed to ListKnobs
  std::string help;  // one line: what it controls
};

// Every knob of `config`, in a stable order (append only: the order feeds
// configVersion). Targets point into `config`, which must outlive the list.
std::vector<Knob> ListKnobs(ScoringConfig& config);

// A knob's value as it would be written in YAML: true, 10, 0.5, 72h, HIGH,
// STEP_UP, [TOTP, WEBAUTHN]. Durations use the largest exact unit of
// d (for a week or more), h, m, s, ms, us: 30d, 72h, 10m.
std::string FormatKnobValue(const Knob& knob);

// (path, formatted value) for every knob, in ListKnobs order.
std::vector<std::pair<std::string, std::string>> DumpKnobs(
    const ScoringConfig& config);

// A stable hash (16 hex digits) of the dump above: same effective config,
// same string, across runs and machines.
std::string ScoringConfigVersion(const ScoringConfig& config);

}  // namespace riskd::scoring
