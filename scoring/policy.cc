// The support decision (SPEC section 4; README "Decisions"):
//   1. level >= deny_at                      -> DENY
//   2. deliverTo forbidden                   -> DENY
//   3. the bar: strong factors from strong_at, else the support minimum
//      (support channels only)
//   4. acceptable = bar minus tainted; empty -> DENY
//   5. a recent passed verification with an acceptable factor -> ALLOW
#include <algorithm>
#include <string>

#include "scoring/report.h"
#include "scoring/score.h"

namespace riskd::scoring {
namespace {

std::string Str(std::string_view s) { return std::string(s); }

EvaluateResult Finish(EvaluateResult r, Decision d, std::string why) {
  r.decision = d;
  r.why.push_back(std::move(why));
  if (d == Decision::kDeny) r.acceptable_factors.clear();
  return r;
}

}  // namespace

EvaluateResult Decide(const Summary& v, RiskReport report,
                      const EvaluateRequest& req, EpochMicros as_of,
                      const ScoringConfig& c) {
  EvaluateResult r;
  r.forbidden_destinations = report.forbidden_destinations;
  r.report = std::move(report);
  const Level level = r.report.level;
  const ActionPolicy& policy = c.action(req.action);

  if (level >= policy.deny_at) {
    return Finish(std::move(r), Decision::kDeny,
                  "level " + Str(name(level)) + " is at or above deny_at");
  }
  if (req.deliver_to && IsForbidden(v, *req.deliver_to, as_of)) {
    return Finish(std::move(r), Decision::kDeny,
                  "delivery to " + Str(name(*req.deliver_to)) +
                      " is forbidden after an EMAIL reset");
  }

  const std::vector<Factor>* bar = nullptr;
  if (level >= policy.strong_at) {
    bar = &c.strong_factors;
    r.why.push_back("level " + Str(name(level)) + " requires a strong factor");
  } else if (IsSupportChannel(req.channel)) {
    switch (policy.support_minimum) {
      case Decision::kAllow:
        break;
      case Decision::kStepUp:
        bar = &c.standard_factors;
        r.why.push_back("support minimum for " + Str(name(req.action)) +
                        " is STEP_UP");
        break;
      case Decision::kDeny:
        return Finish(std::move(r), Decision::kDeny,
                      "support minimum for " + Str(name(req.action)) +
                          " is DENY");
    }
  }
  if (bar == nullptr) {
    return Finish(std::move(r), Decision::kAllow, "no step-up required");
  }

  for (Factor f : *bar) {
    if (!IsTainted(v, f, as_of)) r.acceptable_factors.push_back(f);
  }
  if (r.acceptable_factors.empty()) {
    return Finish(std::move(r), Decision::kDeny,
                  "every factor of the bar is tainted");
  }
  for (Factor f : r.acceptable_factors) {
    const EpochMicros passed = v.last_passed[static_cast<int>(f)];
    if (passed != kNever && passed <= as_of &&
        as_of - passed <= c.step_up_validity) {
      return Finish(std::move(r), Decision::kAllow,
                    Str(name(f)) + " verification passed within step_up_validity");
    }
  }
  return Finish(std::move(r), Decision::kStepUp, "verify with an acceptable factor");
}

}  // namespace riskd::scoring
