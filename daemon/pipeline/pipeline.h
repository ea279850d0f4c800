// The event pipeline: one thread polls the input topics in batches, applies
// each batch partition by partition (BatchProcessor) under the partition's
// mutex, commits state + offsets + outbox in one WriteBatch per partition,
// then hands the outbox to the Publisher. It is also the consumer group's
// RebalanceListener and the way in for analyst labels and account reads.
//
// Ownership rule (issue 9): a partition is processed and served only when
// this instance's state is current with the partition's changelog: its
// checkpoint equals the changelog's high watermark, or every record after
// the checkpoint is its own. Otherwise the partition is kRestoring: paused,
// not served (reads get "unavailable" -> 503, /readyz names it), while the
// Restorer rebuilds it from the changelog off the poll thread; processing
// then starts at the input offsets of the last offsets record restored.
// A partition whose changelog records are gone is refused (kStale).
//
// Thread-safety: Start/Stop from one thread; ReadAccount, ApplyLabel and
// Ready from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "daemon/clock/clock.h"
#include "daemon/kafka/consumer.h"
#include "daemon/log/rate_limit.h"
#include "daemon/pipeline/batch_processor.h"
#include "daemon/pipeline/partition_table.h"
#include "daemon/pipeline/pipeline_options.h"
#include "daemon/pipeline/publisher.h"
#include "daemon/pipeline/restorer.h"
#include "daemon/pipeline/scoring_snapshot.h"
#include "daemon/pipeline/standby.h"
#include "daemon/store/state_store.h"

namespace riskd::pipeline {

struct PipelineDeps {
  store::StateStore* store = nullptr;
  metrics::Metrics* metrics = nullptr;
  const Clock* clock = nullptr;
  const ScoringHolder* scoring = nullptr;
  Publisher* publisher = nullptr;
};

struct PipelineReadiness {
  bool ready = false;
  std::string reason;
};

class Pipeline final : public kafka::RebalanceListener {
 public:
  Pipeline(PipelineDeps deps, PipelineOptions options, kafka::ConsumerOptions consumer_options);
  ~Pipeline() override;

  // Creates the consumer, checks that the input topics are co-partitioned
  // (an error names them and their partition counts), subscribes, and
  // starts the poll thread.
  Status Start();
  // Finishes the batch in hand, commits, leaves the group. Idempotent.
  void Stop();

  // The account's last committed state; "unavailable" when this instance
  // does not serve its partition now.
  Result<std::optional<scoring::AccountState>> ReadAccount(std::string_view account_id);
  // The account's last committed state under the shadow config of
  // `shadow_version`; nullopt when none of that version is stored.
  Result<std::optional<scoring::AccountState>> ReadShadowAccount(std::string_view account_id,
                                                                 std::string_view shadow_version);
  // Applies an analyst label at the clock's now, serialized with the
  // account's events, fsynced, and (with a changelog) its account record
  // acknowledged by the broker before it returns; returns the label's time.
  // Error "not_acknowledged": applied and durable here, but the broker did
  // not acknowledge its changelog record within label_ack_timeout (it is
  // published later; the caller should retry: a label applied again
  // changes nothing that matters).
  Result<scoring::EpochMicros> ApplyLabel(std::string_view account_id, scoring::Label label, std::string_view note);

  PipelineReadiness Ready() const;
  int32_t partition_count() const { return partition_count_.load(); }
  // Every input partition's status on this instance, index = partition
  // (kActive: owned and served here). Empty before Start. Thread-safe.
  std::vector<PartitionStatus> PartitionStatuses() const;

  // Standby replicas (kafka.standby_replicas): the partitions this instance
  // should follow as a standby, by the membership view (daemon/cluster).
  // Partitions assigned here are never followed whatever the plan says.
  // Thread-safe; applied by the poll thread within a housekeeping turn.
  void SetStandbyPlan(std::set<int32_t> partitions);

  // RebalanceListener (poll thread).
  std::vector<kafka::StartPosition> OnAssigned(const std::vector<kafka::TopicPartition>& added) override;
  void OnRevoked(const std::vector<kafka::TopicPartition>& revoked, bool lost) override;

 private:
  void Run();
  void ProcessBatch(std::vector<kafka::ConsumedMessage>& batch);
  // A message below its partition's stored next offset (counted, logged):
  // dropped, and the partition sought back to that offset by the caller.
  bool IsRewound(const kafka::ConsumedMessage& m);
  void OnWriteFailure(int32_t partition, const Error& error);
  bool RetryPending(int32_t partition) const;  // paused, waiting for its retry
  // Decides, for the partitions of `tps` still kChecking, active or
  // restoring from the changelog's watermarks and the local checkpoint;
  // they stay kChecking when the broker cannot be asked now.
  // `from_assignment`: called inside OnAssigned, whose start positions
  // assign the partitions found active; otherwise Activate assigns them.
  void CheckOwnership(const std::vector<kafka::TopicPartition>& tps, bool from_assignment);
  // Claims the partition (when there is a changelog; a failed claim leaves
  // it kChecking), then serves it from now on (after its catch-up) and,
  // outside OnAssigned, assigns it to the fetcher at its next offsets.
  void Activate(int32_t partition, bool from_assignment);
  // Claims the partition's changelog (fencing): a claim record at this
  // state's checkpoint; its epoch when it landed there, else an error
  // (broker away, or records this state lacks came first).
  Result<int64_t> Claim(int32_t partition);
  // An active partition whose changelog showed another writer's record
  // among ours: not served, its changelog closed, paused, and restored
  // (verified from the checkpoint; from the beginning if a record there is
  // not fenced), then claimed anew.
  void Recheck(int32_t partition);
  // Serves a catching-up partition once its offsets reached their targets.
  void CheckCaughtUp(int32_t partition);
  void OnRestoreFinished(const RestoreResult& result);
  // Waits (bounded) until the partitions' changelog entries are published,
  // so the next owner need not reprocess them; then closes their changelog.
  void HandOver(const std::set<int32_t>& partitions);
  void SweepAgedOut();
  // Standby replicas (pipeline_standby.cc), poll thread only.
  void StartStandby();
  // Before anything reads an assigned partition's state: the standby
  // follower stops writing it (and checkpoints what it applied).
  void ReleaseStandby(const std::vector<kafka::TopicPartition>& assigned);
  // Follows the plan's partitions that are not assigned here and that no
  // restore job may still write.
  void ReconcileStandby();
  std::vector<kafka::TopicPartition> TopicPartitionsOf(int32_t partition) const;
  void Housekeeping();  // resumes, backpressure, lag, readiness, log summaries
  // Where the account lives among served partitions (see ReadAccount).
  Result<int32_t> ResolvePartition(std::string_view account_id, bool* found);

  PipelineDeps deps_;
  PipelineOptions options_;
  kafka::ConsumerOptions consumer_options_;
  std::unique_ptr<kafka::Consumer> consumer_;
  std::unique_ptr<PartitionTable> table_;
  std::atomic<int32_t> partition_count_{0};
  std::unique_ptr<BatchProcessor> processor_;  // poll thread only
  log::RateLimitedLogger rewind_log_{"pipeline"};  // IsRewound's lines
  std::unique_ptr<Restorer> restorer_;
  std::map<int32_t, uint64_t> restore_job_;  // poll thread only: restoring partition -> its job
  std::unique_ptr<StandbyFollower> standby_;  // null without standby replicas
  std::mutex standby_mu_;
  std::set<int32_t> standby_plan_;  // guarded by standby_mu_
  // Poll thread only: offsets a partition must reach before it is served
  // (the group's committed offsets when it became active here).
  std::map<kafka::TopicPartition, int64_t> catch_up_to_;
  std::thread thread_;
  std::atomic<bool> stop_{false};

  // Poll thread only.
  std::map<kafka::TopicPartition, int64_t> next_offset_;  // assigned tps -> next offset
  struct Retry {
    std::chrono::steady_clock::time_point at;  // when to resume
    std::chrono::milliseconds backoff{0};      // doubles per failure, reset by a success
    bool waiting = false;                      // paused until `at`
  };
  std::map<int32_t, Retry> write_retry_;  // partitions paused after a failed write
  bool backpressure_ = false;
  std::chrono::steady_clock::time_point next_housekeeping_{};
  std::chrono::steady_clock::time_point next_ownership_check_{};
  std::chrono::steady_clock::time_point next_sweep_{};
  std::chrono::steady_clock::time_point next_recommit_{};

  std::atomic<uint64_t> label_seq_{0};
  std::atomic<int> labels_waiting_{0};  // labels in ApplyLabel (max_labels_waiting)
  mutable std::mutex ready_mu_;
  PipelineReadiness ready_{false, "starting"};
};

}  // namespace riskd::pipeline
