// The per-partition heart of the pipeline, without Kafka: decode each
// message, dead-letter what is rejected, apply the rest to its account's
// state (read once per batch), and gather everything into one
// store::PartitionWrite: new states, next offsets, outbox (RiskUpdates and
// dead letters). Metrics are gathered too but recorded only once the write
// is durable (Record), so a batch retried after a failed write is counted
// once.
//
// Not thread-safe; the caller holds the partition's mutex.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "daemon/kafka/message.h"
#include "daemon/log/rate_limit.h"
#include "daemon/metrics/metrics.h"
#include "daemon/pipeline/pipeline_options.h"
#include "daemon/pipeline/scoring_snapshot.h"
#include "daemon/store/state_store.h"
#include "scoring/engine.h"


namespace riskd::pipeline {

// What a batch did, for the metrics of SPEC section 8.
struct BatchOutcome {
  std::map<std::string, int64_t> applied;   // event type -> count
  std::map<std::string, int64_t> rejected;  // reason -> count
  int64_t duplicates = 0;
  int64_t late = 0;
  int64_t updates = 0;
  int64_t misrouted = 0;  // keys that map to another partition (kafka.partitioner)
  std::vector<std::pair<scoring::RuleId, bool>> fired;  // rule, shadow
  std::vector<std::pair<scoring::Level, scoring::Level>> transitions;
  std::vector<scoring::EpochMicros> applied_event_times;
  std::vector<std::chrono::steady_clock::time_point> received;

  // Where the shadow config disagreed with the live one (kind -> count),
  // and a few of those cases for the log (at most kMaxShadowSamples).
  struct ShadowSample {
    metrics::ShadowDisagreement kind;
    std::string account_id;
    std::string event_id;
    std::string live;    // the live answer (a level, "publish"/"none")
    std::string shadow;  // the shadow's
  };
  static constexpr size_t kMaxShadowSamples = 4;
  int64_t shadow_disagreements[metrics::kShadowDisagreementCount] = {};
  std::vector<ShadowSample> shadow_samples;

  int64_t messages() const;
};

struct BatchResult {
  store::PartitionWrite write;
  BatchOutcome outcome;
};

class BatchProcessor {
 public:
  BatchProcessor(const store::StateStore& store, const PipelineOptions& options)
      : store_(store), options_(options) {}

  // `messages`: all of one partition, in offset order per topic.
  // `partition_count`: of the input topics (0: do not check routing).
  Result<BatchResult> Process(int32_t partition, const std::vector<const kafka::ConsumedMessage*>& messages,
                              const ScoringSnapshot& scoring, scoring::EpochMicros now,
                              int32_t partition_count = 0);

  // Deletes those of `account_ids` whose newest event is older than
  // options.max_idle before `now` (re-read here: the caller holds the
  // partition's mutex), with a changelog tombstone each.
  Result<BatchResult> Sweep(int32_t partition, const std::vector<std::string>& account_ids,
                            scoring::EpochMicros now);

  // An analyst label at `event.occurred_at` (scoring::LabelEvent).
  Result<BatchResult> ProcessLabel(int32_t partition, const std::string& account_id, const scoring::Event& event,
                                   const ScoringSnapshot& scoring);

  // Writes the summaries of rate-limited log lines whose window ended.
  void TickLogs() { rejections_log_.Tick(); }

  // Records `outcome` once its write is durable.
  static void Record(const BatchOutcome& outcome, metrics::Metrics& metrics, scoring::EpochMicros now);

 private:
  struct Cached {
    scoring::AccountState state;
    bool dirty = false;
    // With a shadow engine: the account's state under the shadow config,
    // committed beside `state` in the same write (exactly once for it too).
    std::optional<scoring::AccountState> shadow;
    bool shadow_dirty = false;
  };
  // The account's state (and its shadow state when the snapshot has a shadow
  // engine): from this batch's cache, else the store.
  Result<Cached*> Load(int32_t partition, const std::string& account_id, const ScoringSnapshot& scoring);
  Status LoadShadow(int32_t partition, const std::string& account_id, const ScoringSnapshot& scoring,
                    Cached& cached);
  void ApplyShadow(const std::string& account_id, Cached& cached, const scoring::Event& event,
                   const scoring::ApplyResult& live, const ScoringSnapshot& scoring, BatchResult& result);
  void Apply(const std::string& account_id, Cached& cached, const scoring::Event& event,
             const ScoringSnapshot& scoring, BatchResult& result);
  void DeadLetter(const kafka::ConsumedMessage& m, const Error& error, BatchResult& result);
  // Adds the dirty accounts (and shadow states) to the write, and their
  // changelog records plus one offsets record (when the batch advanced
  // offsets) to the outbox, after the batch's RiskUpdates and dead letters.
  void Finish(BatchResult& result, const ScoringSnapshot& scoring);

  const store::StateStore& store_;
  const PipelineOptions& options_;
  std::unordered_map<std::string, Cached> cache_;  // this batch only
  // One line per rejection, at most 10 per reason and minute, then a
  // count: a flood of bad events cannot flood the log. Never the payload.
  log::RateLimitedLogger rejections_log_{"pipeline"};
};

// The `type` label of riskd_events_total for an event kind.
const char* EventTypeName(scoring::EventKind kind);

}  // namespace riskd::pipeline
