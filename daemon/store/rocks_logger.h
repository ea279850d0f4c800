// RocksDB's info log (the LOG file in state.dir), written so that a full
// disk cannot crash riskd.
//
// Why: RocksDB's own file logger writes through a WritableFileWriter, and the
// Debian librocksdb is built with assertions on. Once one LOG write fails
// (ENOSPC), the next log line — RocksDB logs the very error it is handling —
// trips `assert(sync_without_flush_called_)` in
// WritableFileWriter::AssertFalseAndGetStatusForPrevError and aborts the
// process (exit 134), on every restart while the disk stays full. This
// logger writes with plain write(2) and drops lines it cannot write.
//
// Lines at ERROR and above also go to riskd's own log (component
// "rocksdb", rate-limited), so background errors are seen in the journal.
// The file is rolled to LOG.old when it passes `max_file_bytes`.
//
// Thread-safe (RocksDB logs from its background threads).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <rocksdb/env.h>

namespace riskd::store {

std::shared_ptr<rocksdb::Logger> NewTolerantLogger(const std::string& dir,
                                                   int64_t max_file_bytes = int64_t{16} << 20);

}  // namespace riskd::store
