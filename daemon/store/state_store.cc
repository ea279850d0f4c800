#include "daemon/store/state_store.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <thread>
#include <random>
#include <cstdlib>
#include <map>
#include <mutex>
#include <shared_mutex>

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/sst_file_manager.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/backup_engine.h>
#include <rocksdb/write_buffer_manager.h>

#include "daemon/clock/clock.h"
#include "daemon/store/age_filter.h"
#include "daemon/store/batch_writer.h"
#include "daemon/store/keys.h"
#include "daemon/store/rocks_logger.h"
#include "daemon/log/log.h"

namespace riskd::store {
namespace {

constexpr const char* kAuditCf = "audit";
constexpr const char* kMetaCf = "meta";
constexpr const char* kFormatVersionKey = "format_version";
constexpr const char* kFormatVersion = "1";
constexpr const char* kWriterIdKey = "writer_id";

Error IoError(const rocksdb::Status& s, std::string_view what) {
  return Error{"io_error", std::string(what) + ": " + s.ToString()};
}

// The highest sequence number under `prefix` + 8-byte BE seq, or 0.
uint64_t LastSequence(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string_view prefix,
                      size_t seq_offset) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
  std::string upper(prefix);
  upper.append(16, '\xff');
  it->SeekForPrev(upper);
  if (!it->Valid() || !it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()))) return 0;
  if (it->key().size() < seq_offset + 8) return 0;
  return DecodeFixed64BE(std::string_view(it->key().data() + seq_offset, 8));
}

}  // namespace

struct StateStore::Impl {
  struct Slot {
    rocksdb::ColumnFamilyHandle* cf = nullptr;
    std::unique_ptr<std::atomic<uint64_t>> next_seq;
  };

  std::unique_ptr<rocksdb::DB> db;
  std::shared_ptr<rocksdb::Cache> cache;
  std::shared_ptr<rocksdb::WriteBufferManager> write_buffers;
  rocksdb::ColumnFamilyOptions partition_cf_options;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // all, closed in ~Impl
  rocksdb::ColumnFamilyHandle* audit_cf = nullptr;
  rocksdb::ColumnFamilyHandle* meta_cf = nullptr;
  std::atomic<uint64_t> audit_seq{0};
  DirectWriter direct_writer;
  BatchWriter* writer = nullptr;
  bool sync = false;

  // Handles are created under the unique lock and only destroyed in ~Impl,
  // so a pointer looked up under the shared lock stays valid.
  mutable std::shared_mutex mu;
  std::map<int32_t, Slot> partitions;

  // Disk full / background errors, and the thread that recovers from them
  // and trims the audit log (not in read-only mode).
  std::unique_ptr<StorageGuard> guard;
  std::thread maintenance;
  std::mutex maintenance_mu;
  std::condition_variable maintenance_cv;
  bool stopping = false;

  ~Impl() {
    if (maintenance.joinable()) {
      {
        std::lock_guard lock(maintenance_mu);
        stopping = true;
      }
      maintenance_cv.notify_all();
      maintenance.join();
    }
    if (!db) return;
    for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
    db->Close();
  }

  const Slot* Find(int32_t partition) const {
    std::shared_lock lock(mu);
    auto it = partitions.find(partition);
    return it == partitions.end() ? nullptr : &it->second;
  }

  void AddSlot(int32_t partition, rocksdb::ColumnFamilyHandle* cf) {
    Slot slot;
    slot.cf = cf;
    slot.next_seq = std::make_unique<std::atomic<uint64_t>>(
        LastSequence(db.get(), cf, std::string(1, keys::kOutbox), 1) + 1);
    partitions.emplace(partition, std::move(slot));
  }

  Status Write(rocksdb::WriteBatch* batch, bool force_sync) {
    rocksdb::WriteOptions wo;
    wo.sync = sync || force_sync;
    auto s = writer->Write(db.get(), wo, batch);
    if (!s.ok()) return IoError(s, "write");
    return OkStatus();
  }
};

StateStore::StateStore(StoreOptions options, std::unique_ptr<Impl> impl)
    : options_(std::move(options)), impl_(std::move(impl)) {}

StateStore::~StateStore() = default;

Result<std::unique_ptr<StateStore>> StateStore::Open(const StoreOptions& options) {
  if (options.dir.empty()) return Error{"invalid_argument", "state.dir is empty"};
  if (options.clock == nullptr) return Error{"invalid_argument", "store needs a clock"};
  auto impl = std::make_unique<Impl>();
  impl->sync = options.sync;
  impl->writer = options.writer ? options.writer : &impl->direct_writer;
  impl->guard = std::make_unique<StorageGuard>(options.dir, options.min_free_bytes, options.free_bytes);
  impl->cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  impl->write_buffers =
      std::make_shared<rocksdb::WriteBufferManager>(options.write_buffer_bytes, impl->cache);

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = impl->cache;
  table.cache_index_and_filter_blocks = true;  // keeps index memory inside the bound too
  rocksdb::ColumnFamilyOptions base;
  base.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  base.write_buffer_size = std::max<size_t>(options.write_buffer_bytes / 4, 1u << 20);
  impl->partition_cf_options = base;
  // Every event reads its account first, and most accounts are in neither
  // the newest memtable nor the newest SST files: a Bloom filter per SST
  // lets such a Get skip a file instead of searching its index and reading
  // a data block (+10% events per CPU-second in the state-engine benchmark,
  // bench/README.md). Filter blocks live in the block cache like index
  // blocks. (Memtable Bloom filters, memtable_prefix_bloom_size_ratio, were
  // tried too and halved that benchmark's throughput; not used.)
  rocksdb::BlockBasedTableOptions partition_table = table;
  partition_table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  impl->partition_cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(partition_table));
  impl->partition_cf_options.compaction_filter_factory =
      NewAgeOutFilterFactory(options.clock, options.max_idle);

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.write_buffer_manager = impl->write_buffers;
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 4;
  if (!options.read_only) {
    // A full disk must not end the process (rocks_logger.h: RocksDB's own
    // LOG writer aborts on the write after a failed one).
    db_options.info_log = NewTolerantLogger(options.dir);
    db_options.listeners.push_back(impl->guard->listener());
    // Compactions leave the reserve free, and RocksDB recovers from a
    // no-space error on its own once there is room (as Tick() does).
    db_options.sst_file_manager.reset(rocksdb::NewSstFileManager(rocksdb::Env::Default(), db_options.info_log));
    db_options.sst_file_manager->SetCompactionBufferSize(static_cast<uint64_t>(std::max<int64_t>(0, options.min_free_bytes)));
  }

  std::vector<std::string> names;
  auto ls = rocksdb::DB::ListColumnFamilies(db_options, options.dir, &names);
  if (!ls.ok()) names = {rocksdb::kDefaultColumnFamilyName};  // a new database
  for (const char* required : {kAuditCf, kMetaCf}) {
    if (std::find(names.begin(), names.end(), required) == names.end()) names.emplace_back(required);
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) {
    descriptors.emplace_back(name, keys::ParsePartitionCf(name) >= 0 ? impl->partition_cf_options : base);
  }

  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    s = rocksdb::DB::OpenForReadOnly(db_options, options.dir, descriptors, &impl->handles, &raw);
  } else {
    s = rocksdb::DB::Open(db_options, options.dir, descriptors, &impl->handles, &raw);
  }
  if (!s.ok()) return IoError(s, "open " + options.dir);
  impl->db.reset(raw);

  for (size_t i = 0; i < names.size(); ++i) {
    const int32_t p = keys::ParsePartitionCf(names[i]);
    if (p >= 0) impl->AddSlot(p, impl->handles[i]);
    if (names[i] == kAuditCf) impl->audit_cf = impl->handles[i];
    if (names[i] == kMetaCf) impl->meta_cf = impl->handles[i];
  }
  impl->audit_seq = LastSequence(impl->db.get(), impl->audit_cf, "", 8);

  if (!options.read_only) {
    std::string version;
    auto g = impl->db->Get(rocksdb::ReadOptions(), impl->meta_cf, kFormatVersionKey, &version);
    if (g.IsNotFound()) {
      auto p = impl->db->Put(rocksdb::WriteOptions(), impl->meta_cf, kFormatVersionKey, kFormatVersion);
      if (!p.ok()) return IoError(p, "write format version");
    } else if (!g.ok()) {
      return IoError(g, "read format version");
    } else if (version != kFormatVersion) {
      return Error{"incompatible", "state format version " + version + " is not " + kFormatVersion};
    }
  }
  std::string writer_id;
  auto w = impl->db->Get(rocksdb::ReadOptions(), impl->meta_cf, kWriterIdKey, &writer_id);
  if (w.IsNotFound() && !options.read_only) {
    std::random_device rd;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x%08x%08x%08x", rd(), rd(), rd(), rd());
    writer_id = buf;
    rocksdb::WriteOptions wo;
    wo.sync = true;
    auto p = impl->db->Put(wo, impl->meta_cf, kWriterIdKey, writer_id);
    if (!p.ok()) return IoError(p, "write writer id");
  } else if (!w.ok() && !w.IsNotFound()) {
    return IoError(w, "read writer id");
  }
  auto store = std::unique_ptr<StateStore>(new StateStore(options, std::move(impl)));
  store->writer_id_ = std::move(writer_id);
  if (!options.read_only) store->StartMaintenance();
  return store;
}

Status StateStore::AddPartition(int32_t partition) {
  if (impl_->Find(partition)) return OkStatus();
  if (options_.read_only) return Error{"read_only", "store opened read-only"};
  std::unique_lock lock(impl_->mu);
  if (impl_->partitions.count(partition)) return OkStatus();
  rocksdb::ColumnFamilyHandle* cf = nullptr;
  auto s = impl_->db->CreateColumnFamily(impl_->partition_cf_options, keys::PartitionCf(partition), &cf);
  if (!s.ok()) return IoError(s, "create column family " + keys::PartitionCf(partition));
  impl_->handles.push_back(cf);
  impl_->AddSlot(partition, cf);
  return OkStatus();
}

bool StateStore::HasPartition(int32_t partition) const { return impl_->Find(partition) != nullptr; }

std::vector<int32_t> StateStore::Partitions() const {
  std::shared_lock lock(impl_->mu);
  std::vector<int32_t> out;
  for (const auto& [p, slot] : impl_->partitions) out.push_back(p);
  return out;
}

Result<std::optional<AccountRecord>> StateStore::GetAccount(int32_t partition,
                                                            std::string_view account_id) const {
  const auto* slot = impl_->Find(partition);
  if (!slot) return std::optional<AccountRecord>();
  std::string value;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), slot->cf, keys::Account(account_id), &value);
  if (s.IsNotFound()) return std::optional<AccountRecord>();
  if (!s.ok()) return IoError(s, "read account");
  auto record = DecodeAccount(value);
  if (!record) return Error{"corrupt", "account record too short"};
  return std::optional<AccountRecord>(std::move(*record));
}

Result<std::optional<ShadowRecord>> StateStore::GetShadowAccount(int32_t partition,
                                                                std::string_view account_id) const {
  const auto* slot = impl_->Find(partition);
  if (!slot) return std::optional<ShadowRecord>();
  std::string value;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), slot->cf, keys::ShadowAccount(account_id), &value);
  if (s.IsNotFound()) return std::optional<ShadowRecord>();
  if (!s.ok()) return IoError(s, "read shadow account");
  auto record = DecodeShadow(value);
  if (!record) return Error{"corrupt", "shadow account record does not decode"};
  return std::optional<ShadowRecord>(std::move(*record));
}

Result<std::optional<int64_t>> StateStore::GetNextOffset(int32_t partition, std::string_view topic) const {
  const auto* slot = impl_->Find(partition);
  if (!slot) return std::optional<int64_t>();
  std::string value;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), slot->cf, keys::Offset(topic), &value);
  if (s.IsNotFound()) return std::optional<int64_t>();
  if (!s.ok()) return IoError(s, "read offset");
  if (value.size() != 8) return Error{"corrupt", "offset record is not 8 bytes"};
  return std::optional<int64_t>(static_cast<int64_t>(DecodeFixed64BE(value)));
}

Status StateStore::Commit(const PartitionWrite& write) { return Commit(std::vector<const PartitionWrite*>{&write}); }

Status StateStore::Commit(const std::vector<const PartitionWrite*>& writes) {
  if (auto ok = impl_->guard->CheckWritable(); !ok) return ok;
  rocksdb::WriteBatch batch;
  bool sync = false;
  for (const auto* write : writes) {
    const auto* slot = impl_->Find(write->partition);
    if (!slot) return Error{"not_found", "partition " + std::to_string(write->partition) + " not in store"};
    sync |= write->sync;
    for (const auto& [id, record] : write->accounts) {
      auto s = batch.Put(slot->cf, keys::Account(id), EncodeAccount(record));
      if (!s.ok()) return IoError(s, "batch put");
    }
    for (const auto& [id, record] : write->shadow_accounts) {
      auto s = batch.Put(slot->cf, keys::ShadowAccount(id), EncodeShadow(record));
      if (!s.ok()) return IoError(s, "batch put");
    }
    for (const auto& [topic, offset] : write->next_offsets) {
      std::string v;
      PutFixed64BE(&v, static_cast<uint64_t>(offset));
      auto s = batch.Put(slot->cf, keys::Offset(topic), v);
      if (!s.ok()) return IoError(s, "batch put");
    }
    for (const auto& id : write->deleted_accounts) {
      auto s = batch.Delete(slot->cf, keys::Account(id));
      if (!s.ok()) return IoError(s, "batch delete");
    }
    for (const auto& entry : write->outbox) {
      auto s = batch.Put(slot->cf, keys::Outbox(slot->next_seq->fetch_add(1)), EncodeOutbox(entry));
      if (!s.ok()) return IoError(s, "batch put");
    }
  }
  return impl_->Write(&batch, sync);
}

Result<std::vector<OutboxItem>> StateStore::ReadOutbox(int32_t partition, uint64_t after_seq,
                                                       size_t max) const {
  std::vector<OutboxItem> out;
  const auto* slot = impl_->Find(partition);
  if (!slot) return out;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), slot->cf));
  for (it->Seek(keys::Outbox(after_seq + 1)); it->Valid() && out.size() < max; it->Next()) {
    const auto key = it->key();
    if (key.size() != 9 || key[0] != keys::kOutbox) break;
    auto entry = DecodeOutbox(std::string_view(it->value().data(), it->value().size()));
    if (!entry) return Error{"corrupt", "outbox entry does not decode"};
    out.push_back(OutboxItem{partition, DecodeFixed64BE(std::string_view(key.data() + 1, 8)), std::move(*entry)});
  }
  if (!it->status().ok()) return IoError(it->status(), "read outbox");
  return out;
}

Status StateStore::DeleteOutbox(int32_t partition, const std::vector<uint64_t>& seqs,
                                std::optional<int64_t> changelog_checkpoint) {
  const auto* slot = impl_->Find(partition);
  if (!slot || (seqs.empty() && !changelog_checkpoint)) return OkStatus();
  rocksdb::WriteBatch batch;
  for (uint64_t seq : seqs) {
    auto s = batch.Delete(slot->cf, keys::Outbox(seq));
    if (!s.ok()) return IoError(s, "batch delete");
  }
  if (changelog_checkpoint) {
    std::string v;
    PutFixed64BE(&v, static_cast<uint64_t>(*changelog_checkpoint));
    auto s = batch.Put(slot->cf, keys::PartitionMeta(keys::kChangelogCheckpoint), v);
    if (!s.ok()) return IoError(s, "batch put");
  }
  return impl_->Write(&batch, false);
}

Result<int64_t> StateStore::CountOutbox(int32_t partition, std::string_view topic) const {
  const auto* slot = impl_->Find(partition);
  int64_t n = 0;
  if (!slot) return n;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), slot->cf));
  const std::string prefix(1, keys::kOutbox);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto entry = DecodeOutbox(std::string_view(it->value().data(), it->value().size()));
    if (entry && entry->topic == topic) ++n;
  }
  if (!it->status().ok()) return IoError(it->status(), "read outbox");
  return n;
}

Result<std::optional<int64_t>> StateStore::GetChangelogCheckpoint(int32_t partition) const {
  auto v = GetPartitionMeta(partition, keys::kChangelogCheckpoint);
  if (!v) return v.error();
  if (!v->has_value()) return std::optional<int64_t>();
  if ((*v)->size() != 8) return Error{"corrupt", "changelog checkpoint is not 8 bytes"};
  return std::optional<int64_t>(static_cast<int64_t>(DecodeFixed64BE(**v)));
}

namespace {

// Deletes the outbox entries of `topic` in `cf` into `batch`.
rocksdb::Status DropOutboxTopic(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf, std::string_view topic,
                                rocksdb::WriteBatch* batch) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
  const std::string prefix(1, keys::kOutbox);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto entry = DecodeOutbox(std::string_view(it->value().data(), it->value().size()));
    if (entry && entry->topic == topic) {
      auto s = batch->Delete(cf, it->key());
      if (!s.ok()) return s;
    }
  }
  return it->status();
}

}  // namespace

Status StateStore::BeginFullRestore(int32_t partition, std::string_view changelog_topic) {
  const auto* slot = impl_->Find(partition);
  if (!slot) return Error{"not_found", "partition " + std::to_string(partition) + " not in store"};
  rocksdb::WriteBatch batch;
  const std::string a(1, keys::kAccount), a_end(1, keys::kAccount + 1);
  const std::string o(1, keys::kOffset), o_end(1, keys::kOffset + 1);
  auto s = batch.DeleteRange(slot->cf, a, a_end);
  if (s.ok()) s = batch.DeleteRange(slot->cf, o, o_end);
  if (s.ok()) s = batch.Delete(slot->cf, keys::PartitionMeta(keys::kChangelogCheckpoint));
  if (s.ok()) s = DropOutboxTopic(impl_->db.get(), slot->cf, changelog_topic, &batch);
  if (!s.ok()) return IoError(s, "begin restore");
  return impl_->Write(&batch, /*force_sync=*/true);
}

Status StateStore::ApplyRestoreBatch(int32_t partition, const std::vector<RestoreOp>& ops) {
  const auto* slot = impl_->Find(partition);
  if (!slot) return Error{"not_found", "partition " + std::to_string(partition) + " not in store"};
  rocksdb::WriteBatch batch;
  for (const auto& op : ops) {
    auto s = op.value ? batch.Put(slot->cf, keys::Account(op.account_id), *op.value)
                      : batch.Delete(slot->cf, keys::Account(op.account_id));
    if (!s.ok()) return IoError(s, "batch put");
  }
  rocksdb::WriteOptions wo;
  wo.disableWAL = true;  // made durable by FinishRestore's flush
  auto s = impl_->writer->Write(impl_->db.get(), wo, &batch);
  if (!s.ok()) return IoError(s, "restore write");
  return OkStatus();
}

Status StateStore::FinishRestore(int32_t partition,
                                 const std::optional<std::vector<std::pair<std::string, int64_t>>>& offsets,
                                 int64_t checkpoint, std::string_view changelog_topic) {
  const auto* slot = impl_->Find(partition);
  if (!slot) return Error{"not_found", "partition " + std::to_string(partition) + " not in store"};
  rocksdb::FlushOptions flush;
  flush.wait = true;
  auto s = impl_->db->Flush(flush, slot->cf);
  if (!s.ok()) return IoError(s, "flush restored state");
  rocksdb::WriteBatch batch;
  if (offsets) {
    const std::string o(1, keys::kOffset), o_end(1, keys::kOffset + 1);
    s = batch.DeleteRange(slot->cf, o, o_end);
    for (const auto& [topic, offset] : *offsets) {
      if (!s.ok()) break;
      std::string v;
      PutFixed64BE(&v, static_cast<uint64_t>(offset));
      s = batch.Put(slot->cf, keys::Offset(topic), v);
    }
  }
  std::string cp;
  PutFixed64BE(&cp, static_cast<uint64_t>(checkpoint));
  if (s.ok()) s = batch.Put(slot->cf, keys::PartitionMeta(keys::kChangelogCheckpoint), cp);
  if (s.ok()) s = DropOutboxTopic(impl_->db.get(), slot->cf, changelog_topic, &batch);
  if (!s.ok()) return IoError(s, "finish restore");
  return impl_->Write(&batch, /*force_sync=*/true);
}

Status StateStore::PutPartitionMeta(int32_t partition, std::string_view name, std::string_view value) {
  const auto* slot = impl_->Find(partition);
  if (!slot) return Error{"not_found", "partition not in store"};
  rocksdb::WriteBatch batch;
  auto s = batch.Put(slot->cf, keys::PartitionMeta(name), rocksdb::Slice(value.data(), value.size()));
  if (!s.ok()) return IoError(s, "batch put");
  return impl_->Write(&batch, false);
}

Result<std::optional<std::string>> StateStore::GetPartitionMeta(int32_t partition,
                                                                std::string_view name) const {
  const auto* slot = impl_->Find(partition);
  if (!slot) return std::optional<std::string>();
  std::string value;
  auto s = impl_->db->Get(rocksdb::ReadOptions(), slot->cf, keys::PartitionMeta(name), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return IoError(s, "read partition meta");
  return std::optional<std::string>(std::move(value));
}

Status StateStore::AppendAudit(const AuditEntry& entry) {
  if (auto ok = impl_->guard->CheckWritable(); !ok) return ok;
  rocksdb::WriteBatch batch;
  const uint64_t seq = impl_->audit_seq.fetch_add(1) + 1;
  auto s = batch.Put(impl_->audit_cf, keys::Audit(static_cast<uint64_t>(entry.at_micros), seq),
                     EncodeAudit(entry));
  if (!s.ok()) return IoError(s, "batch put");
  return impl_->Write(&batch, false);
}

Result<AuditTrimResult> StateStore::TrimAudit() {
  if (options_.read_only) return Error{"read_only", "store opened read-only"};
  return TrimAuditLog(impl_->db.get(), impl_->audit_cf, options_.clock->NowMicros(),
                      AuditLimits{options_.audit_retention, options_.audit_max_bytes});
}

StorageHealth StateStore::Health() const { return impl_->guard->Health(); }

// Every maintenance_interval: storage health and recovery (Tick); every
// audit_trim_interval: the audit trim. Off the event path.
void StateStore::StartMaintenance() {
  Impl* impl = impl_.get();
  impl->maintenance = std::thread([this, impl] {
    // The first trim one interval after opening: startup stays quick.
    auto next_trim = std::chrono::steady_clock::now() + options_.audit_trim_interval;
    std::unique_lock lock(impl->maintenance_mu);
    while (!impl->stopping) {
      impl->maintenance_cv.wait_for(lock, options_.maintenance_interval, [impl] { return impl->stopping; });
      if (impl->stopping) break;
      lock.unlock();
      const auto now = std::chrono::steady_clock::now();
      impl->guard->Tick([impl] { return impl->db->Resume(); }, now);
      if (now >= next_trim && impl->guard->Health().writable) {
        next_trim = now + options_.audit_trim_interval;
        auto trimmed = TrimAudit();
        if (!trimmed) {
          log::Warn("store", "audit trim failed; will retry", {{"error", trimmed.error().message}});
        } else if (trimmed->removed > 0) {
          log::Info("store", "audit log trimmed",
                    {{"removed", std::to_string(trimmed->removed)},
                     {"bytes_before", std::to_string(trimmed->bytes_before)},
                     {"bytes_after", std::to_string(trimmed->bytes_after)}});
        }
      }
      lock.lock();
    }
  });
}

Result<std::vector<AuditEntry>> StateStore::ListAudit(std::string_view account_id) const {
  std::vector<AuditEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), impl_->audit_cf));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto entry = DecodeAudit(std::string_view(it->value().data(), it->value().size()));
    if (!entry) return Error{"corrupt", "audit entry does not decode"};
    if (account_id.empty() || entry->account_id == account_id) out.push_back(std::move(*entry));
  }
  if (!it->status().ok()) return IoError(it->status(), "read audit");
  return out;
}

Status StateStore::ForEachAccount(
    int32_t partition, const std::function<void(std::string_view, const AccountRecord&)>& fn) const {
  const auto* slot = impl_->Find(partition);
  if (!slot) return OkStatus();
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(rocksdb::ReadOptions(), slot->cf));
  const std::string prefix(1, keys::kAccount);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto record = DecodeAccount(std::string_view(it->value().data(), it->value().size()));
    if (!record) return Error{"corrupt", "account record too short"};
    fn(std::string_view(it->key().data() + 1, it->key().size() - 1), *record);
  }
  if (!it->status().ok()) return IoError(it->status(), "scan accounts");
  return OkStatus();
}

StoreStats StateStore::Stats() const {
  StoreStats stats;
  auto* db = impl_->db.get();
  auto add_int = [db](rocksdb::ColumnFamilyHandle* cf, const std::string& property, int64_t& into) {
    uint64_t v = 0;
    if (db->GetIntProperty(cf, property, &v)) into += static_cast<int64_t>(v);
  };
  auto add_map = [db](rocksdb::ColumnFamilyHandle* cf, int64_t& slowdowns, int64_t& stops) {
    std::map<std::string, std::string> m;
    if (!db->GetMapProperty(cf, rocksdb::DB::Properties::kCFStats, &m)) return;
    if (auto it = m.find("io_stalls.total_slowdown"); it != m.end()) slowdowns += std::atoll(it->second.c_str());
    if (auto it = m.find("io_stalls.total_stop"); it != m.end()) stops += std::atoll(it->second.c_str());
  };
  std::shared_lock lock(impl_->mu);
  for (auto* cf : impl_->handles) {
    add_int(cf, rocksdb::DB::Properties::kEstimateLiveDataSize, stats.live_data_bytes);
    add_int(cf, rocksdb::DB::Properties::kEstimatePendingCompactionBytes, stats.pending_compaction_bytes);
    add_int(cf, rocksdb::DB::Properties::kCurSizeAllMemTables, stats.memtable_bytes);
    add_map(cf, stats.write_slowdowns, stats.write_stops);
  }
  for (const auto& [p, slot] : impl_->partitions) {
    add_int(slot.cf, rocksdb::DB::Properties::kLiveSstFilesSize, stats.state_bytes);
    add_int(slot.cf, rocksdb::DB::Properties::kCurSizeAllMemTables, stats.state_bytes);
  }
  stats.block_cache_usage_bytes = static_cast<int64_t>(impl_->cache->GetUsage());
  stats.block_cache_pinned_bytes = static_cast<int64_t>(impl_->cache->GetPinnedUsage());
  stats.block_cache_capacity_bytes = static_cast<int64_t>(impl_->cache->GetCapacity());
  int64_t stopped = 0;
  add_int(db->DefaultColumnFamily(), rocksdb::DB::Properties::kIsWriteStopped, stopped);
  stats.write_stopped = stopped != 0;
  add_int(db->DefaultColumnFamily(), rocksdb::DB::Properties::kActualDelayedWriteRate, stats.delayed_write_rate_bytes);
  add_int(db->DefaultColumnFamily(), rocksdb::DB::Properties::kBackgroundErrors, stats.background_errors);
  std::map<std::string, std::string> db_stats;
  if (db->GetMapProperty(rocksdb::DB::Properties::kDBStats, &db_stats)) {
    if (auto it = db_stats.find("db.user_write_stall_micros"); it != db_stats.end()) {
      stats.write_stall_micros = std::atoll(it->second.c_str());
    }
  }
  return stats;
}

Result<int64_t> StateStore::CountAccounts() const {
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  {
    std::shared_lock lock(impl_->mu);
    for (const auto& [p, slot] : impl_->partitions) cfs.push_back(slot.cf);
  }
  // Account keys are the one contiguous range ['a', 'b') of a partition.
  const std::string lower(1, keys::kAccount);
  const std::string upper_key(1, static_cast<char>(keys::kAccount + 1));
  int64_t count = 0;
  for (auto* cf : cfs) {
    rocksdb::Slice upper(upper_key);
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;  // a scan must not evict the hot accounts
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, cf));
    for (it->Seek(lower); it->Valid(); it->Next()) ++count;
    if (!it->status().ok()) return IoError(it->status(), "count accounts");
  }
  return count;
}

Status StateStore::CompactAll() {
  if (options_.read_only) return Error{"read_only", "store opened read-only"};
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;
  {
    std::shared_lock lock(impl_->mu);
    for (const auto& [p, slot] : impl_->partitions) cfs.push_back(slot.cf);
  }
  for (auto* cf : cfs) {
    auto s = impl_->db->CompactRange(rocksdb::CompactRangeOptions(), cf, nullptr, nullptr);
    if (!s.ok()) return IoError(s, "compact");
  }
  return OkStatus();
}

Status StateStore::CreateBackup(const std::string& backup_dir) {
  if (options_.read_only) return Error{"read_only", "store opened read-only"};
  rocksdb::BackupEngine* raw = nullptr;
  auto s = rocksdb::BackupEngine::Open(rocksdb::Env::Default(), rocksdb::BackupEngineOptions(backup_dir), &raw);
  if (!s.ok()) return IoError(s, "open backup dir " + backup_dir);
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  rocksdb::CreateBackupOptions create;
  create.flush_before_backup = true;
  s = engine->CreateNewBackup(create, impl_->db.get());
  if (!s.ok()) return IoError(s, "backup");
  return OkStatus();
}

}  // namespace riskd::store
