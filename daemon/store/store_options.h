// Options of the StateStore, one field per knob with its default.
#pragma once

#include <cstddef>
#include <cstdint>
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
};

}  // namespace riskd::store
