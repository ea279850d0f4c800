// riskctl replay's output: a plain-text report for people and the same
// figures as one JSON document (--json) for scripts.
#pragma once

#include <optional>
#include <string>

#include "daemon/tools/compare.h"
#include "daemon/tools/replay.h"

namespace riskd::tools {

// What the arms are called in the output (usually their config files).
struct ArmNames {
  std::string a;
  std::string b;  // empty without --compare
  // The daemon's configVersion of each file, when known.
  std::string version_a;
  std::string version_b;
  const std::string& name(std::size_t arm) const { return arm == 0 ? a : b; }
  const std::string& version(std::size_t arm) const { return arm == 0 ? version_a : version_b; }
};

std::string FormatReplayText(const ReplayResult& replay, const ArmNames& names,
                             const std::optional<Comparison>& comparison);

// Includes every sensitive request's decision (one array entry each).
std::string FormatReplayJson(const ReplayResult& replay, const ArmNames& names,
                             const std::optional<Comparison>& comparison);

}  // namespace riskd::tools
