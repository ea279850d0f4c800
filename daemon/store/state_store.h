// StateStore: riskd's durable state in one RocksDB database under state.dir.
//
// One column family per input partition (`p<N>`; input topics are
// co-partitioned, so partition N of every input topic shares it) holds that
// partition's account states, the next input offset of each topic, and the
// outbox of messages still to publish. Everything a poll batch changes in a
// partition is committed with one WriteBatch (Commit), so state, offsets
// and outgoing RiskUpdates/dead letters are either all durable or none is:
// that is what makes state change exactly once per event and lose no update.
// Scoping by partition lets a partition's state be dropped or handed over
// as a unit when the consumer group moves it (scale-out, issue 9).
//
// Two more column families: `audit` (API audit trail) and `meta`.
//
// Thread-safety: all methods may be called concurrently. Commits to the same
// partition must be serialized by the caller (the pipeline's partition
// mutex) so that read-modify-write of an account is atomic.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/store/records.h"
#include "daemon/store/store_options.h"
#include "scoring/result.h"

namespace riskd::store {

// Everything one poll batch (or one analyst label) changes in a partition.
struct PartitionWrite {
  int32_t partition = 0;
  std::vector<std::pair<std::string, AccountRecord>> accounts;  // account id -> new state
  std::vector<std::pair<std::string, int64_t>> next_offsets;    // input topic -> next offset
  std::vector<OutboxEntry> outbox;                              // to publish after commit
  // fsync this write even when StoreOptions::sync is off (analyst labels:
  // the API promises they are durable before it answers).
  bool sync = false;
};

struct OutboxItem {
  int32_t partition = 0;
  uint64_t seq = 0;
  OutboxEntry entry;
};

struct StoreStats {
  int64_t accounts = 0;     // estimate, from RocksDB
  int64_t state_bytes = 0;  // SST + memtable bytes
};

class StateStore {
 public:
  static Result<std::unique_ptr<StateStore>> Open(const StoreOptions& options);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Creates the column family of `partition` if missing. Idempotent.
  Status AddPartition(int32_t partition);
  bool HasPartition(int32_t partition) const;
  std::vector<int32_t> Partitions() const;

  // nullopt when the account (or the partition) is not in the store.
  Result<std::optional<AccountRecord>> GetAccount(int32_t partition, std::string_view account_id) const;
  // The next offset to consume of `topic`'s partition; nullopt if never committed.
  Result<std::optional<int64_t>> GetNextOffset(int32_t partition, std::string_view topic) const;

  // Applies `write` atomically (one WriteBatch, WAL on). Outbox entries get
  // increasing sequence numbers. On error nothing of it is applied.
  Status Commit(const PartitionWrite& write);

  // Up to `max` outbox entries of `partition` with seq > `after_seq`, in order.
  Result<std::vector<OutboxItem>> ReadOutbox(int32_t partition, uint64_t after_seq, size_t max) const;
  // Removes published entries (not synced: losing a delete only republishes).
  Status DeleteOutbox(int32_t partition, const std::vector<uint64_t>& seqs);

  Status PutPartitionMeta(int32_t partition, std::string_view name, std::string_view value);
  Result<std::optional<std::string>> GetPartitionMeta(int32_t partition, std::string_view name) const;

  // Durable audit trail, in time order.
  Status AppendAudit(const AuditEntry& entry);
  // Every entry, or only those of `account_id` when it is not empty.
  Result<std::vector<AuditEntry>> ListAudit(std::string_view account_id) const;

  // Visits every account of `partition` in key order (riskctl, tests).
  Status ForEachAccount(int32_t partition,
                        const std::function<void(std::string_view id, const AccountRecord&)>& fn) const;

  StoreStats Stats() const;

  // Compacts everything now (runs the age-out filter). riskctl and tests.
  Status CompactAll();

  // Incremental backup into `backup_dir` (RocksDB BackupEngine: files shared
  // with earlier backups there are not copied again). Flushes memtables
  // first, so the backup does not depend on the WAL.
  Status CreateBackup(const std::string& backup_dir);

  const StoreOptions& options() const { return options_; }

 private:
  struct Impl;
  StateStore(StoreOptions options, std::unique_ptr<Impl> impl);

  StoreOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riskd::store
