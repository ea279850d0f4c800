// Options of the StateStore, one field per knob with its default.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "scoring/time.h"

namespace riskd {
class Clock;
}

namespace riskd::store {

class BatchWriter;

struct StoreOptions {
  // Directory of the RocksDB database (state.dir). Created if missing.
  std::string dir;

  // Shared LRU block cache for every column family (state.block_cache_bytes).
  size_t block_cache_bytes = 64u << 20;

  // Total memtable memory across column families, charged to the block cache
  // (state.write_buffer_bytes). Bounds memory however many partitions exist.
  size_t write_buffer_bytes = 64u << 20;

  // fsync the WAL on every batch (state.sync). See README.md for the trade-off.
  bool sync = false;

  // Account states whose newest event is older than this (relative to the
  // clock) are dropped at compaction. The longest rule window: 90 days.
  scoring::DurationMicros max_idle = 90 * scoring::kDay;

  // The daemon's clock, read by the age-out compaction filter. Required.
  const Clock* clock = nullptr;

  // Fault-injection seam: every batch write goes through it. nullptr means
  // the database itself. Not owned; must outlive the store.
  BatchWriter* writer = nullptr;

  // Open read-only (riskctl on a state directory; no lock taken, no writes).
  bool read_only = false;

  // --- Disk and audit (storage_guard.h, audit_trim.h).
  // Writes that grow the state stop while the filesystem of `dir` has less
  // than this available (state.min_free_bytes); also the room every
  // compaction must leave. 0: no reserve (RocksDB's own errors still pause).
  int64_t min_free_bytes = int64_t{256} << 20;
  // Free-space probe (I/O seam for tests); empty: statvfs.
  std::function<std::optional<int64_t>(const std::string& dir)> free_bytes;
  // Audit records older than this are deleted (audit.retention); <= 0: kept.
  scoring::DurationMicros audit_retention = 30 * scoring::kDay;
  // Beyond this many bytes on disk the oldest audit records go (audit.max_bytes); <= 0: no cap.
  int64_t audit_max_bytes = int64_t{1} << 30;
  // The maintenance thread: storage health and recovery every
  // `maintenance_interval`, the audit trim every `audit_trim_interval`.
  std::chrono::milliseconds maintenance_interval{1000};
  std::chrono::milliseconds audit_trim_interval{10 * 60 * 1000};
};

}  // namespace riskd::store
