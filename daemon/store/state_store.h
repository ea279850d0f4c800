// StateStore: riskd's durable state in one RocksDB database under state.dir.
//
// One column family per input partition (`p<N>`; input topics are
// co-partitioned, so partition N of every input topic shares it) holds that
// partition's account states, the next input offset of each topic, and the
// outbox of messages still to publish. Everything a poll batch changes in a
// partition (in the poll loop: in all its partitions) is committed with one
// WriteBatch (Commit), so state, offsets
// and outgoing RiskUpdates/dead letters are either all durable or none is:
// that is what makes state change exactly once per event and lose no update.
// Scoping by partition lets a partition's state be dropped or handed over
// as a unit when the consumer group moves it (scale-out, issue 9).
//
// Two more column families: `audit` (API audit trail, bounded by
// audit.retention and audit.max_bytes) and `meta`.
//
// A full disk or a RocksDB background error never ends the process:
// writes that grow the state are refused ("no_space", "storage_error") until
// storage is writable again, which a maintenance thread brings about
// (storage_guard.h); Health() says which.
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

#include "daemon/store/audit_trim.h"
#include "daemon/store/records.h"
#include "daemon/store/storage_guard.h"
#include "daemon/store/store_options.h"
#include "scoring/result.h"

namespace riskd::store {

// Everything one poll batch (or one analyst label) changes in a partition.
struct PartitionWrite {
  int32_t partition = 0;
  std::vector<std::pair<std::string, AccountRecord>> accounts;  // account id -> new state
  std::vector<std::pair<std::string, ShadowRecord>> shadow_accounts;  // account id -> new shadow state
  std::vector<std::pair<std::string, int64_t>> next_offsets;    // input topic -> next offset
  std::vector<OutboxEntry> outbox;                              // to publish after commit
  std::vector<std::string> deleted_accounts;                    // aged out (tombstones in `outbox`)
  // fsync this write even when StoreOptions::sync is off (analyst labels:
  // the API promises they are durable before it answers).
  bool sync = false;
};

struct OutboxItem {
  int32_t partition = 0;
  uint64_t seq = 0;
  OutboxEntry entry;
};

// One changelog record applied by a restore, in changelog order.
struct RestoreOp {
  std::string account_id;
  std::optional<std::string> value;  // EncodeAccount bytes; nullopt: delete (tombstone)
};

// Figures from RocksDB properties, cheap to read (no I/O): for metrics.
struct StoreStats {
  // Partition column families (account states, offsets, outbox): live SST
  // files plus memtables.
  int64_t state_bytes = 0;
  // Over every column family:
  int64_t live_data_bytes = 0;           // rocksdb.estimate-live-data-size
  int64_t pending_compaction_bytes = 0;  // rocksdb.estimate-pending-compaction-bytes
  int64_t memtable_bytes = 0;            // rocksdb.cur-size-all-mem-tables
  int64_t write_slowdowns = 0;           // cumulative, io_stalls.total_slowdown of rocksdb.cfstats
  int64_t write_stops = 0;               // cumulative, io_stalls.total_stop
  // Database-wide:
  int64_t block_cache_usage_bytes = 0;
  int64_t block_cache_pinned_bytes = 0;
  int64_t block_cache_capacity_bytes = 0;
  bool write_stopped = false;            // rocksdb.is-write-stopped
  int64_t delayed_write_rate_bytes = 0;  // rocksdb.actual-delayed-write-rate (0: no delay)
  int64_t write_stall_micros = 0;        // cumulative, db.user_write_stall_micros of rocksdb.dbstats
  int64_t background_errors = 0;         // cumulative, rocksdb.background-errors
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
  // The account's state under the shadow config; nullopt when none is stored.
  Result<std::optional<ShadowRecord>> GetShadowAccount(int32_t partition, std::string_view account_id) const;
  // The next offset to consume of `topic`'s partition; nullopt if never committed.
  Result<std::optional<int64_t>> GetNextOffset(int32_t partition, std::string_view topic) const;

  // Applies `write` atomically (one WriteBatch, WAL on). Outbox entries get
  // increasing sequence numbers. On error nothing of it is applied.
  Status Commit(const PartitionWrite& write);
  // The same for several partitions' writes at once (one WriteBatch over
  // their column families: all durable or none; synced when any asks).
  // The poll loop commits a whole poll batch this way: one WAL write and
  // one write-group round instead of one per partition.
  Status Commit(const std::vector<const PartitionWrite*>& writes);

  // Up to `max` outbox entries of `partition` with seq > `after_seq`, in order.
  Result<std::vector<OutboxItem>> ReadOutbox(int32_t partition, uint64_t after_seq, size_t max) const;
  // Removes published entries (not synced: losing a delete only republishes).
  // With `changelog_checkpoint`, records it in the same write: the changelog
  // offset up to which this partition's local state contains every record
  // (the delivered changelog entries being deleted are part of it).
  Status DeleteOutbox(int32_t partition, const std::vector<uint64_t>& seqs,
                      std::optional<int64_t> changelog_checkpoint = std::nullopt);
  // How many outbox entries of `partition` are for `topic` (changelog
  // records not yet delivered: local state is ahead of the changelog).
  Result<int64_t> CountOutbox(int32_t partition, std::string_view topic) const;

  // --- Changelog checkpoint and restore (issue 9; daemon/store/README.md).
  // The next changelog offset of `partition` this state has not applied;
  // nullopt: none (never restored, never published).
  Result<std::optional<int64_t>> GetChangelogCheckpoint(int32_t partition) const;
  // Starts a restore from the beginning of the changelog: drops the
  // partition's accounts, input offsets, checkpoint and undelivered
  // changelog entries of `changelog_topic` (one synced write).
  Status BeginFullRestore(int32_t partition, std::string_view changelog_topic);
  // Applies changelog records in order, WAL off (a crash mid-restore loses
  // them, but the checkpoint is only written by FinishRestore, after a
  // flush, so the restore is redone).
  Status ApplyRestoreBatch(int32_t partition, const std::vector<RestoreOp>& ops);
  // Ends a restore: flushes the partition's memtable (the WAL-less writes
  // become durable), then in one synced write sets the input offsets to
  // `offsets` (from the last offsets record read; nullopt: keep them), the
  // checkpoint to `checkpoint`, and drops undelivered changelog entries of
  // `changelog_topic` (local state is the changelog's now).
  Status FinishRestore(int32_t partition, const std::optional<std::vector<std::pair<std::string, int64_t>>>& offsets,
                       int64_t checkpoint, std::string_view changelog_topic);

  Status PutPartitionMeta(int32_t partition, std::string_view name, std::string_view value);
  Result<std::optional<std::string>> GetPartitionMeta(int32_t partition, std::string_view name) const;

  // Durable audit trail, in time order.
  Status AppendAudit(const AuditEntry& entry);
  // Applies audit.retention and audit.max_bytes now (the maintenance thread
  // does it every StoreOptions::audit_trim_interval).
  Result<AuditTrimResult> TrimAudit();

  // Whether writes that grow the state are accepted now, and why not.
  StorageHealth Health() const;
  // Every entry, or only those of `account_id` when it is not empty.
  Result<std::vector<AuditEntry>> ListAudit(std::string_view account_id) const;

  // Visits every account of `partition` in key order (riskctl, tests).
  Status ForEachAccount(int32_t partition,
                        const std::function<void(std::string_view id, const AccountRecord&)>& fn) const;

  StoreStats Stats() const;

  // The number of accounts with state, exactly: scans the account keys of
  // every partition (reading their blocks, without filling the block
  // cache). Costs a read of all account state; call it rarely, off the
  // event path. RocksDB's rocksdb.estimate-num-keys is no substitute: it
  // counts offsets and outbox entries and every overwrite not compacted yet.
  Result<int64_t> CountAccounts() const;

  // Compacts everything now (runs the age-out filter). riskctl and tests.
  Status CompactAll();

  // Incremental backup into `backup_dir` (RocksDB BackupEngine: files shared
  // with earlier backups there are not copied again). Flushes memtables
  // first, so the backup does not depend on the WAL.
  Status CreateBackup(const std::string& backup_dir);

  const StoreOptions& options() const { return options_; }
  // A random id made when the state directory was created: changelog
  // records carry it (header riskd-writer) so that this state can tell its
  // own records from another instance's.
  const std::string& writer_id() const { return writer_id_; }

 private:
  struct Impl;
  StateStore(StoreOptions options, std::unique_ptr<Impl> impl);
  void StartMaintenance();

  StoreOptions options_;
  std::unique_ptr<Impl> impl_;
  std::string writer_id_;
};

}  // namespace riskd::store
