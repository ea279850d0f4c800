#include "daemon/tools/compare.h"

#include <algorithm>

#include "daemon/tools/backtest.h"

namespace riskd::tools {

Comparison Compare(const ReplayResult& replay, const ArmResult& a,
                   const ArmResult& b, std::size_t max_examples) {
  Comparison c;
  const std::size_t n = a.accounts.size();
  c.accounts = static_cast<std::uint32_t>(n);
  std::vector<std::optional<std::size_t>> first_diff(n);
  for (std::size_t i = 0; i < replay.requests.size(); ++i) {
    const auto da = a.requests[i].decision, db = b.requests[i].decision;
    ++c.decision_matrix[static_cast<int>(da)][static_cast<int>(db)];
    auto& first = first_diff[replay.requests[i].account];
    if (da != db && !first) first = i;
  }
  std::vector<CompareExample> differing;
  for (std::size_t i = 0; i < n; ++i) {
    CompareExample ex;
    ex.account = static_cast<std::uint32_t>(i);
    ex.peak_a = a.accounts[i].peak();
    ex.peak_b = b.accounts[i].peak();
    ex.level_a = LevelOf(*a.config, ex.peak_a);
    ex.level_b = LevelOf(*b.config, ex.peak_b);
    ex.request = first_diff[i];
    ++c.level_matrix[static_cast<int>(ex.level_a)][static_cast<int>(ex.level_b)];
    const bool level_diff = ex.level_a != ex.level_b;
    if (level_diff) ++c.level_differs;
    if (ex.level_b > ex.level_a) ++c.raised;
    if (ex.level_b < ex.level_a) ++c.lowered;
    if (ex.request) ++c.decision_differs;
    if (level_diff || ex.request) differing.push_back(ex);
  }
  std::stable_partition(differing.begin(), differing.end(), [&](const CompareExample& ex) {
    return replay.labels[ex.account].attacked;
  });
  if (differing.size() > max_examples) differing.resize(max_examples);
  c.examples = std::move(differing);
  return c;
}

}  // namespace riskd::tools
