// The replay core: the scoring library driven over a stream of events in
// event order, for one or more configs at once ("arms": the live config, a
// candidate to compare, tune's variants), each with its own account states
// in memory. Decoding a record once and applying it to every arm is what
// makes --compare and tune cheap.
//
// What is recorded, per arm (definitions in README.md):
//   * per-rule firings, live and shadow, and the accounts they fired on;
//   * per account, the peak score before and since its attack start, the
//     per-rule contributions at that peak, and the first time it reached
//     HIGH since its attack start;
//   * the level of every seen account at the end of each bucket (a day);
//   * the decision for each sensitive support request, evaluated just after
//     the request event is applied, as of its time, for its
//     action/channel/deliverTo/requesterAuthenticated.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "daemon/tools/labels.h"
#include "scoring/engine.h"

namespace riskd::tools {

using scoring::EpochMicros;

struct ReplayOptions {
  // Interval of the level-distribution snapshots.
  scoring::DurationMicros bucket = scoring::kDay;
};

struct RuleStats {
  std::uint64_t live_firings = 0;
  std::uint64_t shadow_firings = 0;
  std::uint32_t accounts = 0;  // accounts it fired on at least once
  std::uint32_t attacked_accounts = 0;  // ... of which labelled attacked
  // Sum over accounts of this rule's decayed points at the account's peak
  // score (before the cap): how much it contributed to what was flagged.
  double peak_points_attacked = 0;
  double peak_points_benign = 0;
};

struct AccountOutcome {
  // Peak score at an event before the attack start (the whole replay for a
  // benign account) and at an event at or after it (attacked accounts).
  double peak_before = 0;
  double peak_since = 0;
  // Event time of the first event at/after attack start whose level was
  // HIGH or above; kNever if none.
  EpochMicros first_high_since = scoring::kNever;
  std::uint32_t live_rules_fired = 0;    // bit i: RuleId i fired live
  std::uint32_t shadow_rules_fired = 0;  // bit i: fired in shadow
  // Per rule: decayed points at the overall peak.
  std::array<float, scoring::kRuleCount> peak_points{};
  double peak() const { return peak_before > peak_since ? peak_before : peak_since; }
};

struct LevelBucket {
  EpochMicros at = 0;  // end of the bucket
  std::array<std::uint32_t, scoring::kLevelCount> accounts{};
};

// A sensitive support request of the stream (common to every arm).
struct RequestInfo {
  std::uint32_t account = 0;
  EpochMicros at = 0;
  scoring::Action action = scoring::Action::kOther;
  scoring::RequestChannel channel = scoring::RequestChannel::kLiveChat;
  std::optional<scoring::Destination> deliver_to;
  bool requester_authenticated = false;
  // On an attacked account at or after its attack start.
  bool during_attack = false;
};

struct RequestOutcome {
  scoring::Decision decision = scoring::Decision::kAllow;
  scoring::Level level = scoring::Level::kLow;
  double score = 0;
};

struct ArmResult {
  std::shared_ptr<const scoring::ScoringConfig> config;
  std::array<RuleStats, scoring::kRuleCount> rules{};
  std::vector<AccountOutcome> accounts;   // by account index
  std::vector<LevelBucket> levels;        // one per bucket, in time order
  std::vector<RequestOutcome> requests;   // parallel to ReplayResult::requests
};

struct StreamStats {
  std::uint64_t records = 0;     // records read from the file
  std::uint64_t applied = 0;     // events applied (per arm; the same for all)
  std::uint64_t duplicates = 0;  // repeated event ids (arm 0)
  std::uint64_t late = 0;        // applied outside event-time order (arm 0)
  std::uint64_t out_of_order = 0;  // older than the previous record
  std::unordered_map<std::string, std::uint64_t> rejected;  // by reason
  EpochMicros first_event = scoring::kNever;
  EpochMicros last_event = scoring::kNever;
  double seconds = 0;  // wall time of the replay loop
};

struct ReplayResult {
  std::vector<std::string> account_names;  // by account index
  std::vector<LabelRow> labels;            // by account index (benign default)
  bool has_labels = false;
  std::vector<RequestInfo> requests;
  std::vector<ArmResult> arms;
  StreamStats stream;
};

// Feeds events, in the order of the stream, to every arm. Not thread-safe.
class Replayer {
 public:
  // `labels` may be empty (no truth known); accounts it names are part of
  // the population even if they never appear in the stream.
  Replayer(std::vector<std::shared_ptr<const scoring::ScoringConfig>> configs,
           const std::vector<LabelRow>& labels, bool has_labels,
           ReplayOptions options = {});
  ~Replayer();

  // Applies one event of `account`.
  void Add(std::string_view account, const scoring::Event& event);

  StreamStats& stream();

  // Closes the last bucket and hands the result over.
  ReplayResult Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riskd::tools
