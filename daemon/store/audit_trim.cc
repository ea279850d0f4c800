#include "daemon/store/audit_trim.h"

#include <rocksdb/convenience.h>

#include <memory>
#include <string>

#include "daemon/store/keys.h"

namespace riskd::store {
namespace {

Error IoError(const rocksdb::Status& s, std::string_view what) {
  return Error{"io_error", std::string(what) + ": " + s.ToString()};
}

// Deletes [first key, end) and compacts it away. Returns how many records
// there were.
Result<int64_t> DeletePrefix(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* audit, const std::string& end) {
  int64_t count = 0;
  std::string begin;
  {
    rocksdb::Slice upper(end);
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, audit));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (count == 0) begin = it->key().ToString();
      ++count;
    }
    if (!it->status().ok()) return IoError(it->status(), "scan audit");
  }
  if (count == 0) return int64_t{0};
  rocksdb::Slice from(begin), to(end);
  // Whole files first: free, no rewrite. Then the rest of the range.
  if (auto s = rocksdb::DeleteFilesInRange(db, audit, &from, &to, /*include_end=*/false); !s.ok()) {
    return IoError(s, "drop audit files");
  }
  if (auto s = db->DeleteRange(rocksdb::WriteOptions(), audit, from, to); !s.ok()) {
    return IoError(s, "delete audit range");
  }
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  if (auto s = db->CompactRange(compact, audit, &from, &to); !s.ok()) return IoError(s, "compact audit");
  return count;
}

}  // namespace

int64_t AuditBytes(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* audit) {
  uint64_t sst = 0, mem = 0;
  db->GetIntProperty(audit, rocksdb::DB::Properties::kLiveSstFilesSize, &sst);
  db->GetIntProperty(audit, rocksdb::DB::Properties::kCurSizeAllMemTables, &mem);
  return static_cast<int64_t>(sst + mem);
}

Result<AuditTrimResult> TrimAuditLog(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* audit, scoring::EpochMicros now,
                                     const AuditLimits& limits) {
  AuditTrimResult result;
  result.bytes_before = AuditBytes(db, audit);
  if (limits.retention > 0 && now > limits.retention) {
    auto removed = DeletePrefix(db, audit, keys::Audit(static_cast<uint64_t>(now - limits.retention), 0));
    if (!removed) return removed.error();
    result.removed += *removed;
  }
  if (limits.max_bytes > 0 && AuditBytes(db, audit) > limits.max_bytes) {
    // Memtable bytes count too, and only flushed data can be compacted away.
    rocksdb::FlushOptions flush;
    if (auto s = db->Flush(flush, audit); !s.ok()) return IoError(s, "flush audit");
    const int64_t excess = AuditBytes(db, audit) - limits.max_bytes * 9 / 10;
    // The oldest records whose raw size covers the excess: raw bytes are at
    // least the compressed ones on disk, so this never removes too little.
    int64_t raw = 0;
    std::string end;
    {
      rocksdb::ReadOptions ro;
      ro.fill_cache = false;
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro, audit));
      for (it->SeekToFirst(); it->Valid() && raw < excess; it->Next()) raw += it->key().size() + it->value().size();
      if (!it->status().ok()) return IoError(it->status(), "scan audit");
      if (it->Valid()) end = it->key().ToString();
    }
    if (end.empty()) end = std::string(16, '\xff');  // everything
    auto removed = DeletePrefix(db, audit, end);
    if (!removed) return removed.error();
    result.removed += *removed;
  }
  result.bytes_after = AuditBytes(db, audit);
  return result;
}

}  // namespace riskd::store
