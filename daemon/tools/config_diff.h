// A config change as YAML lines in unified-diff style, over the knob table
// (scoring/config.h ListKnobs), so any knob tune or a person changes shows
// up without this file knowing about it:
//
//    scoring:
//      thresholds:
//   -    high: 60
//   +    high: 52
#pragma once

#include <string>

#include "scoring/config.h"

namespace riskd::tools {

// Empty when the two configs have the same effective knobs.
std::string ConfigDiff(const scoring::ScoringConfig& before,
                       const scoring::ScoringConfig& after);

}  // namespace riskd::tools
