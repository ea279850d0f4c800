// Standby replicas (kafka.standby_replicas, issue 9): keeps a copy of the
// state of partitions this instance does NOT own by following their
// changelog, so that when one of them is assigned here the ownership check
// finds the checkpoint at (or near) the changelog's end and the restore
// reads a few records instead of the whole partition
// (daemon/pipeline/README.md, "Standby replicas").
//
// One thread, one plain assigned consumer over every followed changelog
// partition (kafka::AssignedReader). Per partition, records are applied
// exactly as a restore applies them (StateStore::ApplyRestoreBatch: account
// records and tombstones, WAL off) and every `checkpoint_every`, and when
// the partition stops being followed, StateStore::FinishRestore flushes
// them and moves the checkpoint and the input offsets (from the last
// offsets record read) in one synced write: the checkpoint the pipeline's
// ownership check reads is always one this state really holds.
//
// A follow starts from the partition's checkpoint; without one, or when
// changelog entries of this state are still undelivered in the outbox
// (local state differs from the changelog in unknown accounts), from the
// beginning of the changelog after dropping the partition's state, as a
// full restore does. Records that are gone (retention, the mock's 5 MiB)
// make the partition unfollowable until it is asked for again.
//
// What a standby never does: write input offsets of its own, outbox
// entries, or anything while the partition is assigned here. The pipeline
// guarantees the last part: it calls Release (which returns only once the
// thread no longer touches the partition) before it reads the partition's
// checkpoint on assignment, and never asks to follow a partition that is
// assigned here or that the Restorer still has a job for.
//
// Thread-safety: Want, Release and Following from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "daemon/kafka/kafka_options.h"
#include "daemon/kafka/message.h"
#include "daemon/store/changelog.h"
#include "daemon/store/state_store.h"

namespace riskd::kafka {
class AssignedReader;
}
namespace riskd::metrics {
class Metrics;
}

namespace riskd::pipeline {

class Publisher;

struct StandbyOptions {
  std::string changelog_topic;
  kafka::Properties properties;  // connection properties (kafka.properties + bootstrap)
  std::chrono::milliseconds broker_timeout{10'000};
  size_t batch = 5'000;  // records per WAL-less write, at most
  // Flush + checkpoint a partition that applied something this often (and
  // always when it stops being followed). Only a crash of this instance
  // loses what was applied since: the next follow or restore re-reads it.
  std::chrono::milliseconds checkpoint_every{30'000};
  // A partition whose follow failed (broker, store) is tried again after this.
  std::chrono::milliseconds retry_after{5'000};
};

class StandbyFollower {
 public:
  StandbyFollower(store::StateStore& store, metrics::Metrics& metrics, Publisher& publisher, StandbyOptions options);
  ~StandbyFollower();  // checkpoints every followed partition and joins

  // The partitions to follow from now on (partitions no longer in the set
  // are checkpointed and dropped in the background).
  void Want(const std::set<int32_t>& partitions);
  // Stops following `partition` and returns once the thread no longer
  // writes it (what it applied is flushed and checkpointed first).
  void Release(int32_t partition);
  // Partitions followed now.
  std::set<int32_t> Following() const;

 private:
  struct Followed {
    int64_t next = 0;  // next changelog offset to apply
    bool dirty = false;  // applied records not checkpointed yet
    std::optional<store::changelog::Offsets> offsets;  // last offsets record since the checkpoint
    std::vector<store::RestoreOp> ops;                 // read, not yet written
    std::chrono::steady_clock::time_point checkpointed_at;
    int64_t applied = 0;  // records applied since the follow started
    int64_t newest_epoch = 0;  // fencing: the newest ownership epoch applied
  };
  void Run();
  // Starts following `p` (reads its checkpoint, may begin a full restore).
  // nullopt: it cannot be followed now (logged).
  std::optional<Followed> Begin(int32_t p);
  void Apply(const std::vector<kafka::ConsumedMessage>& messages);
  Status WriteOps(int32_t p, Followed& f);
  // Writes what `p` applied and moves its checkpoint.
  Status Checkpoint(int32_t p, Followed& f);
  void Drop(int32_t p, bool checkpoint);

  store::StateStore& store_;
  metrics::Metrics& metrics_;
  Publisher& publisher_;
  StandbyOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;       // wakes Release when `held_` changes
  std::set<int32_t> wanted_;         // guarded by mu_
  uint64_t wanted_version_ = 0;      // guarded by mu_: bumped by every change of wanted_
  std::set<int32_t> held_;           // guarded by mu_: partitions the thread may write
  bool stopping_ = false;            // guarded by mu_

  // Follower thread only.
  std::unique_ptr<kafka::AssignedReader> reader_;
  std::map<int32_t, Followed> followed_;
  std::map<int32_t, std::chrono::steady_clock::time_point> retry_at_;  // failed partitions
  std::thread thread_;
};

}  // namespace riskd::pipeline
