// Whether the state store may be written now, and getting back to writable
// after a full disk or a RocksDB background error — without exiting.
//
// Two conditions make the store unwritable:
//  * low space: the filesystem of state.dir has less than
//    `min_free_bytes` available (state.min_free_bytes). riskd stops growing
//    its state *before* the disk is full, so RocksDB keeps room for its WAL,
//    MANIFEST, the flush a recovery needs, and a restart.
//  * a background error: RocksDB stopped writes after a failed WAL write,
//    flush or compaction (ENOSPC when something else filled the disk, an
//    I/O error). RocksDB reports it through the EventListener below; it is
//    cleared by DB::Resume() (which Tick() calls, with a doubling backoff,
//    once the reserve is free again) or by RocksDB's own auto-recovery.
//
// While unwritable, CheckWritable() refuses the writes that grow the state
// (event batches, labels, audit records) with error code "no_space" or
// "storage_error": the pipeline then pauses, rewinds to its stored offsets
// and retries (daemon/pipeline/README.md), and /readyz answers 503. Nothing
// is lost: a refused batch was never applied.
//
// Thread-safe. The EventListener callbacks run on RocksDB threads with its
// DB mutex held; they only set fields here and never call into the DB.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <rocksdb/listener.h>
#include <rocksdb/status.h>

#include "scoring/result.h"

namespace riskd::store {

// Bytes available to riskd on the filesystem holding `dir`; nullopt when it
// cannot be read (then the space check is skipped).
using FreeBytesFn = std::function<std::optional<int64_t>(const std::string& dir)>;
std::optional<int64_t> FilesystemFreeBytes(const std::string& dir);  // statvfs f_bavail

struct StorageHealth {
  bool writable = true;
  std::string reason;         // why not ("ok" when writable)
  int64_t free_bytes = -1;    // last reading; -1: unknown
  bool low_space = false;
  bool background_error = false;
};

class StorageGuard {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;

  StorageGuard(std::string dir, int64_t min_free_bytes, FreeBytesFn free_bytes = {});

  // Before a write that grows the state. Re-reads free space when the last
  // reading is older than 200 ms.
  Status CheckWritable();

  // Periodic (the store's maintenance thread, every second): re-reads free
  // space; while a background error is held and the reserve is free, calls
  // `resume` (DB::Resume) after a doubling backoff (1 s .. 30 s). Returns
  // true when this call cleared the error.
  bool Tick(const std::function<rocksdb::Status()>& resume, SteadyTime now);

  StorageHealth Health() const;

  // Feeds background errors and their recovery from RocksDB.
  std::shared_ptr<rocksdb::EventListener> listener() { return listener_; }

  // For the listener and tests.
  void SetBackgroundError(const std::string& what);
  void ClearBackgroundError();

 private:
  void RefreshFreeBytes(SteadyTime now);

  const std::string dir_;
  const int64_t min_free_bytes_;
  const FreeBytesFn free_bytes_;
  std::shared_ptr<rocksdb::EventListener> listener_;

  mutable std::mutex mu_;
  int64_t free_ = -1;
  SteadyTime free_read_at_{};
  std::optional<std::string> background_error_;
  std::chrono::milliseconds backoff_{0};
  SteadyTime next_resume_{};
};

}  // namespace riskd::store
