// The seam around RocksDB's write call (LevelDB's EnvWrapper idea, narrowed
// to the one call that matters): the store hands every WriteBatch to a
// BatchWriter, so a test can make a write fail on purpose and check that the
// daemon stops, counts, retries and loses nothing.
#pragma once

#include <atomic>

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

namespace riskd::store {

class BatchWriter {
 public:
  virtual ~BatchWriter() = default;
  virtual rocksdb::Status Write(rocksdb::DB* db, const rocksdb::WriteOptions& options,
                                rocksdb::WriteBatch* batch) = 0;
};

// Passes every write to the database.
class DirectWriter final : public BatchWriter {
 public:
  rocksdb::Status Write(rocksdb::DB* db, const rocksdb::WriteOptions& options,
                        rocksdb::WriteBatch* batch) override {
    return db->Write(options, batch);
  }
};

// Fails the next `n` writes with an I/O error (as a full disk would), then
// passes writes through. Thread-safe.
class FaultInjectingWriter final : public BatchWriter {
 public:
  void FailNextWrites(int n) { fail_remaining_.store(n); }
  int failures_injected() const { return injected_.load(); }

  rocksdb::Status Write(rocksdb::DB* db, const rocksdb::WriteOptions& options,
                        rocksdb::WriteBatch* batch) override {
    int left = fail_remaining_.load();
    while (left > 0) {
      if (fail_remaining_.compare_exchange_weak(left, left - 1)) {
        injected_.fetch_add(1);
        return rocksdb::Status::IOError("injected write failure (test)");
      }
    }
    return db->Write(options, batch);
  }

 private:
  std::atomic<int> fail_remaining_{0};
  std::atomic<int> injected_{0};
};

}  // namespace riskd::store
