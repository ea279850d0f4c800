// riskctl replay --report: one self-contained HTML file (inline CSS and
// SVG, no scripts, no external assets) that a fraud analyst can open or
// attach to a change request: the stream, the rules' firings and
// contributions, levels over time, decisions, and with labels the score
// distributions of attacked vs benign accounts, the precision-recall curve
// and figures per attack kind; with --compare, the comparison.
#pragma once

#include <optional>
#include <string>

#include "daemon/tools/compare.h"
#include "daemon/tools/replay.h"
#include "daemon/tools/replay_output.h"

namespace riskd::tools {

std::string RenderHtmlReport(const ReplayResult& replay, const ArmNames& names,
                             const std::optional<Comparison>& comparison);

}  // namespace riskd::tools
