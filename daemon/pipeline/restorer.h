// Restores partitions' state from the changelog, on its own thread, so the
// poll loop never waits for it (daemon/pipeline/README.md, "Restore").
//
// A job reads changelog partition N with a plain assigned consumer from
// `from` (the local checkpoint; the beginning for a full restore) up to the
// high watermark read when it starts:
//   * verify-first (a checkpoint): while the records after the checkpoint
//     are this state's own (header riskd-writer = StateStore::writer_id),
//     local state already holds them, and nothing is written; if all are,
//     the job ends "current" (checkpoint moved to the watermark). At the
//     first record from another writer it restores: from there on when no
//     changelog record of ours is undelivered, else from the beginning.
//   * restore: batched WAL-less writes (StateStore::ApplyRestoreBatch),
//     then StateStore::FinishRestore (flush; input offsets from the last
//     offsets record read; checkpoint = watermark).
// Progress: riskd_restore_remaining_messages{partition} and a log line
// every few seconds. Cancel (a revoked partition) stops a job between
// batches; a partially restored state keeps its old checkpoint (or none),
// so the next restore redoes the work.
//
// Thread-safety: Submit, Cancel, TakeFinished from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon/kafka/kafka_options.h"
#include "daemon/store/state_store.h"
#include "daemon/trust/cluster_key.h"

namespace riskd::metrics {
class Metrics;
}

namespace riskd::pipeline {

class Publisher;

struct RestorerOptions {
  std::string changelog_topic;
  kafka::Properties properties;  // connection properties (kafka.properties + bootstrap)
  std::chrono::milliseconds broker_timeout{10'000};
  size_t batch = 5'000;  // records per WAL-less write
  // A restore that reads nothing for this long fails (and is retried).
  std::chrono::milliseconds stall_timeout{60'000};
  // Records without its valid signature are skipped and counted (null:
  // nothing verified; unit tests only).
  std::shared_ptr<const trust::ClusterKey> cluster_key = nullptr;
};

enum class RestoreOutcome {
  kCurrent,     // verified: the records after the checkpoint were our own
  kRestored,    // state rebuilt from the changelog
  kCancelled,   // the partition was revoked
  kFailed,      // broker or store trouble: try again
  kImpossible,  // the records needed are gone (retention, the mock's 5 MiB): refuse the partition
};

struct RestoreResult {
  int32_t partition = 0;
  uint64_t job = 0;
  RestoreOutcome outcome = RestoreOutcome::kFailed;
  std::string error;
  int64_t records = 0;   // changelog messages read
  int64_t accounts = 0;  // account records and tombstones applied
  double seconds = 0;
};

const char* OutcomeName(RestoreOutcome outcome);

class Restorer {
 public:
  Restorer(store::StateStore& store, metrics::Metrics& metrics, Publisher& publisher, RestorerOptions options);
  ~Restorer();  // cancels everything and joins

  // Queues a job for `partition`; `from` = the checkpoint (nullopt: full
  // restore from the beginning); `held`: undelivered changelog entries of
  // ours are in the outbox. Returns the job's id.
  uint64_t Submit(int32_t partition, std::optional<int64_t> from, bool held);
  // Cancels the partition's queued or running job (its result says so).
  void Cancel(int32_t partition);
  // A job for `partition` is queued or running (cancelled or not): it may
  // still write the partition's state.
  bool Busy(int32_t partition);
  std::vector<RestoreResult> TakeFinished();

 private:
  struct Job {
    uint64_t id = 0;
    int32_t partition = 0;
    std::optional<int64_t> from;
    bool held = false;
    std::shared_ptr<std::atomic<bool>> cancelled;
  };
  void Run();
  RestoreResult Execute(const Job& job);

  store::StateStore& store_;
  metrics::Metrics& metrics_;
  Publisher& publisher_;
  RestorerOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::optional<Job> running_;
  std::vector<RestoreResult> finished_;
  uint64_t next_id_ = 1;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace riskd::pipeline
