// SPEC defaults and the knob table. The table is the single list of knob
// paths: the YAML loader sets through it, Validate() checks through it, and
// the dump and configVersion hash read through it.
#include "scoring/config.h"

#include <charconv>
#include <cstdio>

namespace riskd::scoring {
namespace {

// Which optional knobs a rule has, and its SPEC defaults.
struct RuleShape {
  RuleId id;
  double points;
  DurationMicros window;  // 0: the rule has no window knob
  std::int64_t count;     // 0: no count knob
  bool has_bonus;
  bool has_speed;
};

constexpr RuleShape kRuleShapes[kRuleCount] = {
    {RuleId::kEmailResetThenSensitiveRequest, 60, 72 * kHour, 0, true, false},
    {RuleId::kEmailResetThenUnfamiliarLogin, 40, 24 * kHour, 0, false, false},
    {RuleId::kRecoveryChangeAfterReset, 50, 72 * kHour, 0, false, false},
    {RuleId::kUnfamiliarContext, 15, 0, 0, false, false},
    {RuleId::kUnauthenticatedSensitiveRequest, 25, 0, 0, false, false},
    {RuleId::kFailedVerificationBurst, 30, kHour, 3, false, false},
    {RuleId::kFailedLoginBurst, 20, 10 * kMinute, 10, false, false},
    {RuleId::kImpossibleTravel, 35, 0, 0, false, true},
    {RuleId::kResetBurst, 20, 24 * kHour, 3, false, false},
    {RuleId::kMfaRemoved, 30, 0, 0, false, false},
};

std::string ActionKey(Action action) { return std::string(name(action)); }

}  // namespace

ScoringConfig::ScoringConfig() {
  for (const RuleShape& shape : kRuleShapes) {
    RuleConfig& r = rule(shape.id);
    r.points = shape.points;
    r.window = shape.window;
    r.count = shape.count;
    r.email_delivery_bonus = shape.has_bonus ? 20 : 0;
    r.max_speed_kmh = shape.has_speed ? 900 : 0;
  }
  action(Action::kOther).support_minimum = Decision::kAllow;
  standard_factors = {Factor::kSupportPin, Factor::kSmsOtp, Factor::kTotp,
                      Factor::kWebauthn, Factor::kIdDocument};
  strong_factors = {Factor::kTotp, Factor::kWebauthn, Factor::kSmsOtp,
                    Factor::kIdDocument};
}

std::vector<Knob> ListKnobs(ScoringConfig& c) {
  std::vector<Knob> k;
  auto add = [&k](std::string path, KnobKind kind, void* target,
                  std::string help) {
    k.push_back(Knob{std::move(path), kind, target, std::move(help)});
  };
  using K = KnobKind;
  add("scoring.half_life", K::kDuration, &c.half_life,
      "rule points halve every half_life after the firing");
  add("scoring.allowed_lateness", K::kDuration, &c.allowed_lateness,
      "events this far behind the newest are still placed in event-time order");
  add("scoring.taint_period", K::kDuration, &c.taint_period,
      "how long factors stay tainted and destinations forbidden after a reset");
  add("scoring.step_up_validity", K::kDuration, &c.step_up_validity,
      "a passed verification lowers STEP_UP to ALLOW for this long");
  add("scoring.duplicate_window", K::kDuration, &c.duplicate_window,
      "an event id seen again within this event-time span changes nothing");
  add("scoring.familiar_window", K::kDuration, &c.familiar_window,
      "successful logins this recent make their context familiar");
  add("scoring.max_pending_events", K::kInt, &c.max_pending_events,
      "per-account reorder buffer; past it the oldest events are sealed early");
  add("scoring.max_remembered_event_ids", K::kInt, &c.max_remembered_event_ids,
      "per-account dedupe set size; oldest ids forgotten first");
  add("scoring.max_familiar_per_kind", K::kInt, &c.max_familiar_per_kind,
      "familiar device ids, networks and ASNs kept each; least recent evicted");
  add("scoring.thresholds.medium", K::kDouble, &c.thresholds.medium,
      "score from which the level is MEDIUM");
  add("scoring.thresholds.high", K::kDouble, &c.thresholds.high,
      "score from which the level is HIGH");
  add("scoring.thresholds.critical", K::kDouble, &c.thresholds.critical,
      "score from which the level is CRITICAL");
  for (const RuleShape& shape : kRuleShapes) {
    RuleConfig& r = c.rule(shape.id);
    const std::string p = "scoring.rules." + std::string(name(shape.id)) + ".";
    add(p + "enabled", K::kBool, &r.enabled, "false: not evaluated at all");
    add(p + "shadow", K::kBool, &r.shadow,
        "true: evaluated and reported, never scored");
    add(p + "points", K::kDouble, &r.points, "points of a firing, before decay");
    if (shape.window != 0) {
      add(p + "window", K::kDuration, &r.window,
          "how far back the rule looks for the events it pairs or counts");
    }
    if (shape.count != 0) {
      add(p + "count", K::kInt, &r.count,
          "this many events within the window fire the rule");
    }
    if (shape.has_bonus) {
      add(p + "email_delivery_bonus", K::kDouble, &r.email_delivery_bonus,
          "extra points when deliverTo is EMAIL_ON_FILE or NEW_EMAIL");
    }
    if (shape.has_speed) {
      add(p + "max_speed_kmh", K::kDouble, &r.max_speed_kmh,
          "speed between two successful logins above which it fires");
    }
  }
  for (int a = 0; a < kActionCount; ++a) {
    ActionPolicy& pol = c.policy[a];
    const std::string p = "policy." + ActionKey(static_cast<Action>(a)) + ".";
    add(p + "support_minimum", K::kDecision, &pol.support_minimum,
        "bar for support channels below strong_at: ALLOW, STEP_UP or DENY");
    add(p + "strong_at", K::kLevel, &pol.strong_at,
        "from this level on, only strong factors are acceptable");
    add(p + "deny_at", K::kLevel, &pol.deny_at,
        "from this level on, the action is denied");
  }
  add("policy.factors.standard", K::kFactorList, &c.standard_factors,
      "factors acceptable for STEP_UP below strong_at (SUPPORT_PIN or better)");
  add("policy.factors.strong", K::kFactorList, &c.strong_factors,
      "factors acceptable from strong_at on (independent of email and PIN)");
  add("scoring.max_state_bytes", K::kInt, &c.max_state_bytes,
      "an account's stored state stays this small (bytes); past it the oldest "
      "event ids are forgotten and pending events sealed early");
  return k;
}

namespace {

std::string FormatDuration(DurationMicros d) {
  struct Unit {
    DurationMicros micros;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {{kDay, "d"},     {kHour, "h"},
                                    {kMinute, "m"},  {kSecond, "s"},
                                    {1000, "ms"}};
  for (const Unit& u : kUnits) {
    // Spans under a week read better in hours, as SPEC writes them (72h).
    if (u.micros == kDay && d < 7 * kDay) continue;
    if (d != 0 && d % u.micros == 0) {
      return std::to_string(d / u.micros) + u.suffix;
    }
  }
  return std::to_string(d) + "us";
}

std::string FormatDouble(double v) {
  char buf[32];
  // Shortest text that reads back as the same double: stable for hashing.
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("nan");
}

}  // namespace

std::string FormatKnobValue(const Knob& knob) {
  switch (knob.kind) {
    case KnobKind::kBool:
      return *static_cast<const bool*>(knob.target) ? "true" : "false";
    case KnobKind::kInt:
      return std::to_string(*static_cast<const std::int64_t*>(knob.target));
    case KnobKind::kDouble:
      return FormatDouble(*static_cast<const double*>(knob.target));
    case KnobKind::kDuration:
      return FormatDuration(*static_cast<const DurationMicros*>(knob.target));
    case KnobKind::kLevel:
      return std::string(name(*static_cast<const Level*>(knob.target)));
    case KnobKind::kDecision:
      return std::string(name(*static_cast<const Decision*>(knob.target)));
    case KnobKind::kFactorList: {
      std::string out = "[";
      for (Factor f : *static_cast<const std::vector<Factor>*>(knob.target)) {
        if (out.size() > 1) out += ", ";
        out += name(f);
      }
      return out + "]";
    }
  }
  return "";
}

std::vector<std::pair<std::string, std::string>> DumpKnobs(
    const ScoringConfig& config) {
  ScoringConfig copy = config;  // ListKnobs hands out mutable pointers
  std::vector<std::pair<std::string, std::string>> out;
  for (const Knob& knob : ListKnobs(copy)) {
    out.emplace_back(knob.path, FormatKnobValue(knob));
  }
  return out;
}

std::string ScoringConfigVersion(const ScoringConfig& config) {
  // FNV-1a 64 over "path=value\n" lines: simple, stable, no dependency.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::string_view s) {
    for (unsigned char ch : s) {
      h ^= ch;
      h *= 0x100000001b3ULL;
    }
  };
  for (const auto& [path, value] : DumpKnobs(config)) {
    mix(path);
    mix("=");
    mix(value);
    mix("\n");
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

}  // namespace riskd::scoring
