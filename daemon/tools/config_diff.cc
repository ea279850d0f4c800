#include "daemon/tools/config_diff.h"

#include <vector>

namespace riskd::tools {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t dot = path.find('.', pos);
    parts.push_back(path.substr(pos, dot - pos));
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  return parts;
}

}  // namespace

std::string ConfigDiff(const scoring::ScoringConfig& before,
                       const scoring::ScoringConfig& after) {
  const auto old_knobs = scoring::DumpKnobs(before);
  const auto new_knobs = scoring::DumpKnobs(after);
  std::string out;
  std::vector<std::string> open;  // parents printed for the previous change
  for (std::size_t i = 0; i < old_knobs.size() && i < new_knobs.size(); ++i) {
    if (old_knobs[i].second == new_knobs[i].second) continue;
    const std::vector<std::string> parts = Split(old_knobs[i].first);
    std::size_t depth = 0;
    while (depth + 1 < parts.size() && depth < open.size() && open[depth] == parts[depth]) {
      ++depth;
    }
    open.resize(depth);
    for (; depth + 1 < parts.size(); ++depth) {
      out += " " + std::string(2 * depth, ' ') + parts[depth] + ":\n";
      open.push_back(parts[depth]);
    }
    const std::string indent(2 * depth, ' ');
    out += "-" + indent + parts.back() + ": " + old_knobs[i].second + "\n";
    out += "+" + indent + parts.back() + ": " + new_knobs[i].second + "\n";
  }
  return out;
}

}  // namespace riskd::tools
