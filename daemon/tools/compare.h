// riskctl replay --compare: what changes between two configs on the same
// stream. An account *differs* when its peak level (the level of its peak
// score under each config's own thresholds) differs, or when any of its
// sensitive support requests got a different decision.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/tools/replay.h"

namespace riskd::tools {

struct CompareExample {
  std::uint32_t account = 0;
  scoring::Level level_a = scoring::Level::kLow, level_b = scoring::Level::kLow;
  double peak_a = 0, peak_b = 0;
  // The first request decided differently, if any (index into requests).
  std::optional<std::size_t> request;
};

struct Comparison {
  std::uint32_t accounts = 0;
  std::uint32_t level_differs = 0;     // accounts whose peak level differs
  std::uint32_t decision_differs = 0;  // accounts with a request decided differently
  std::uint32_t raised = 0, lowered = 0;  // peak level higher / lower under B
  // Accounts by peak level under A (row) and B (column).
  std::uint32_t level_matrix[scoring::kLevelCount][scoring::kLevelCount]{};
  // Sensitive requests by decision under A (row) and B (column).
  std::uint32_t decision_matrix[scoring::kDecisionCount][scoring::kDecisionCount]{};
  // Up to `max_examples` differing accounts, attacked ones first, then by
  // account order of first appearance.
  std::vector<CompareExample> examples;
};

Comparison Compare(const ReplayResult& replay, const ArmResult& a,
                   const ArmResult& b, std::size_t max_examples = 10);

}  // namespace riskd::tools
