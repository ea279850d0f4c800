// Which input partitions this instance serves, and the lock that orders
// everything done to a partition's accounts. The pipeline thread holds a
// partition's mutex while it reads, applies and commits a batch; ApplyLabel
// (HTTP threads) takes the same mutex, so a label sits between two batches,
// never inside one. Reads take no mutex: a RocksDB Get sees one committed
// version.
//
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace riskd::pipeline {

enum class PartitionStatus : uint8_t {
  kNotOwned,  // not assigned to this instance
  kChecking,  // assigned; ownership check (broker committed offsets) pending
  kActive,    // assigned, state present: processed and served
  kStale,     // assigned, but the group committed past our state and no
              // changelog can restore it: refused
  kRestoring, // assigned, state being restored from the changelog: not
              // processed, not served (reads: unavailable -> 503)
};

const char* StatusName(PartitionStatus status);

class PartitionTable {
 public:
  struct Slot {
    std::mutex mu;  // serializes batches and labels of this partition
    std::atomic<PartitionStatus> status{PartitionStatus::kNotOwned};
    // kActive, but behind the offsets the group's previous owner committed
    // (it already answered from state this one is still re-deriving):
    // processed, not served yet.
    std::atomic<bool> catching_up{false};
    // kActive, but a changelog record of it could not be published (see
    // Publisher::BlockedChangelogs): processed, not served, until revoked.
    std::atomic<bool> changelog_blocked{false};
  };

  explicit PartitionTable(int32_t partition_count);

  int32_t partition_count() const { return static_cast<int32_t>(slots_.size()); }
  // nullptr when out of range.
  Slot* slot(int32_t partition);
  PartitionStatus status(int32_t partition) const;
  void set_status(int32_t partition, PartitionStatus status);
  // Partitions whose status is `status`.
  std::vector<int32_t> With(PartitionStatus status) const;
  // Processed and answered from here: kActive, not catching up, changelog
  // not blocked.
  bool Serving(int32_t partition) const;
  bool ChangelogBlocked(int32_t partition) const;
  // Every partition's status, index = partition; a partition catching up
  // or with a blocked changelog is reported kRestoring (not served).
  std::vector<PartitionStatus> Statuses() const;

 private:
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace riskd::pipeline
