// Bounds the audit column family (one record per evaluate, feedback and
// reload): by age (audit.retention, default 30 days) and by size
// (audit.max_bytes). Without it the audit log grows with ordinary traffic
// until the state disk is full.
//
// Runs on the store's maintenance thread, never on the event path. Both
// trims delete a prefix of the log (its keys start with the 8-byte BE time,
// so the oldest come first): whole SST files inside the range are dropped
// (DeleteFilesInRange), the rest with a range tombstone, and the range is
// compacted so the space is really returned.
#pragma once

#include <cstdint>

#include <rocksdb/db.h>

#include "scoring/result.h"
#include "scoring/time.h"

namespace riskd::store {

struct AuditLimits {
  scoring::DurationMicros retention = 30 * scoring::kDay;  // older records go; <= 0: no age limit
  int64_t max_bytes = int64_t{1} << 30;                    // on disk; beyond it the oldest go; <= 0: no cap
};

struct AuditTrimResult {
  int64_t removed = 0;       // records deleted
  int64_t bytes_before = 0;  // audit column family on disk (SST + memtable)
  int64_t bytes_after = 0;
};

// The audit column family's size on disk: live SST files plus memtables.
int64_t AuditBytes(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* audit);

// Deletes records older than `now - retention`, then, while the column
// family is larger than max_bytes, the oldest records down to 90% of it.
Result<AuditTrimResult> TrimAuditLog(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* audit, scoring::EpochMicros now,
                                     const AuditLimits& limits);

}  // namespace riskd::store
