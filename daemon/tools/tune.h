// riskctl tune: find settings that meet a precision or recall target at one
// level (HIGH by default: the level that changes support's decisions).
//
// 1. Replay the current config and sweep the level's threshold over the
//    integers 1..100 (reading each account's peak scores: no new replay).
//    With a precision target the threshold with the best recall among those
//    meeting it wins; with a recall target, the best precision; then the
//    other measure; then the smallest move from the current threshold.
// 2. With sweep_points, greedy rounds: every live rule's points scaled by
//    0, 0.5, 0.75, 1.25, 1.5 and 2, each variant replayed (several per pass)
//    and swept as in 1; the best variant is kept if it beats the current one.
// 3. Verify: the best few candidate settings are replayed for real, because
//    thresholds also move which factors clear an account (a verification at
//    HIGH needs a strong factor), so a sweep over peaks is an estimate. The
//    proposal is the best verified setting.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/tools/backtest.h"
#include "daemon/tools/replay.h"

namespace riskd::tools {

// Replays the (fixed) stream under the given configs, one arm each.
using StreamReplay = std::function<Result<ReplayResult>(
    std::vector<std::shared_ptr<const scoring::ScoringConfig>>)>;

struct TuneOptions {
  scoring::Level level = scoring::Level::kHigh;
  std::optional<double> target_precision;  // exactly one of the two targets
  std::optional<double> target_recall;
  bool sweep_points = false;
  int rounds = 2;            // greedy rounds of the points sweep
  int verify_candidates = 6; // settings replayed for real in step 3
  int arms_per_pass = 12;    // bounds memory: states are per arm
};

struct TuneResult {
  bool met = false;  // the proposal meets the target (verified)
  std::shared_ptr<const scoring::ScoringConfig> current;
  std::shared_ptr<const scoring::ScoringConfig> proposed;
  Confusion before;  // current config at its own threshold
  Confusion after;   // proposed config at its threshold, verified by replay
  int replays = 0;   // passes over the stream
};

Result<TuneResult> Tune(std::shared_ptr<const scoring::ScoringConfig> current,
                        const TuneOptions& options, const StreamReplay& replay);

// The report riskctl tune prints: target, before/after and the config diff.
std::string FormatTune(const TuneResult& result, const TuneOptions& options);

}  // namespace riskd::tools
