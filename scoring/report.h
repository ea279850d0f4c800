// RiskReport and the support decision, read from a summary. Internal to
// scoring/; Engine (engine.cc) is the public way in.
#pragma once

#include "scoring/engine.h"

namespace riskd::scoring {

// The report as of `as_of` from `view` (the sealed summary with the pending
// events folded in). `state` supplies `known` and `updated_at`.
RiskReport BuildReport(const Summary& view, const AccountState& state,
                       EpochMicros as_of, const ScoringConfig& config);

// SPEC section 4 and README "Decisions", steps 1-5, on a report already
// built as of `as_of` from `view`.
EvaluateResult Decide(const Summary& view, RiskReport report,
                      const EvaluateRequest& request, EpochMicros as_of,
                      const ScoringConfig& config);

}  // namespace riskd::scoring
