// The store on a full disk and the bounded audit log (daemon/store README,
// "Disk full" and "Audit").
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "daemon/clock/clock.h"
#include "daemon/store/state_store.h"
#include "daemon/store/storage_guard.h"

namespace riskd::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr scoring::EpochMicros kNow = 1'795'000'000LL * scoring::kSecond;

class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("riskd-storage-test-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_);
  }
  void TearDown() override {
    if (mounted_) ::umount2(root_.c_str(), MNT_DETACH);
    fs::remove_all(root_);
  }

  std::unique_ptr<StateStore> Open(StoreOptions options) {
    options.dir = (root_ / "state").string();
    options.clock = &clock_;
    auto store = StateStore::Open(options);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(store.value()) : nullptr;
  }

  static PartitionWrite Write(int32_t partition, int64_t offset, const std::string& value = "state") {
    PartitionWrite w;
    w.partition = partition;
    w.accounts.push_back({"acct-" + std::to_string(offset), AccountRecord{kNow, value}});
    w.next_offsets.push_back({"account-events", offset + 1});
    return w;
  }

  static AuditEntry Audit(scoring::EpochMicros at, const std::string& detail = "{}") {
    return AuditEntry{at, "ops", "evaluate", "acct-1", "ALLOW", "v1", detail};
  }

  fs::path root_;
  bool mounted_ = false;
  ManualClock clock_{kNow};
};

// Below the reserve riskd stops growing its state before the disk is full;
// with room again, writes go through. Nothing of a refused write is applied.
TEST_F(StorageTest, LowSpaceRefusesGrowingWritesUntilThereIsRoom) {
  std::atomic<int64_t> free{1 << 30};
  StoreOptions options;
  options.min_free_bytes = 64 << 20;
  options.free_bytes = [&free](const std::string&) { return std::optional<int64_t>(free.load()); };
  auto store = Open(options);
  ASSERT_TRUE(store->AddPartition(0).ok());
  ASSERT_TRUE(store->Commit(Write(0, 1)).ok());
  EXPECT_TRUE(store->Health().writable);

  free = 10 << 20;
  std::this_thread::sleep_for(300ms);  // the reading is at most 200 ms old
  auto refused = store->Commit(Write(0, 2));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "no_space");
  EXPECT_FALSE(store->AppendAudit(Audit(kNow)).ok());
  const StorageHealth health = store->Health();
  EXPECT_FALSE(health.writable);
  EXPECT_TRUE(health.low_space);
  EXPECT_EQ(health.free_bytes, 10 << 20);
  EXPECT_NE(health.reason.find("state.min_free_bytes"), std::string::npos) << health.reason;
  EXPECT_FALSE(store->GetAccount(0, "acct-2")->has_value());
  EXPECT_EQ(*store->GetNextOffset(0, "account-events"), 2);

  free = 1 << 30;
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(store->Commit(Write(0, 2)).ok());
  EXPECT_TRUE(store->Health().writable);
}

// A RocksDB background error holds writes until DB::Resume succeeds, which
// Tick retries with a doubling backoff once the reserve is free.
TEST_F(StorageTest, BackgroundErrorHoldsUntilResumeSucceeds) {
  int64_t free = 0;
  StorageGuard guard("/unused", 100, [&free](const std::string&) { return std::optional<int64_t>(free); });
  int resumes = 0;
  rocksdb::Status answer = rocksdb::Status::IOError("still full");
  auto resume = [&] {
    ++resumes;
    return answer;
  };
  auto t = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);

  guard.SetBackgroundError("write: IO error: No space left on device");
  free = 1000;
  auto refused = guard.CheckWritable();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "storage_error");
  EXPECT_NE(refused.error().message.find("No space left"), std::string::npos);

  free = 10;  // below the reserve: no room to recover into, no attempt
  EXPECT_FALSE(guard.Tick(resume, t));
  EXPECT_EQ(resumes, 0);
  free = 1000;
  EXPECT_FALSE(guard.Tick(resume, t));  // tried, failed; next try in 1 s
  EXPECT_EQ(resumes, 1);
  EXPECT_FALSE(guard.Tick(resume, t + 500ms));
  EXPECT_EQ(resumes, 1);
  EXPECT_FALSE(guard.Tick(resume, t + 1100ms));  // tried, failed; next in 2 s
  EXPECT_EQ(resumes, 2);
  EXPECT_FALSE(guard.Tick(resume, t + 2s));
  EXPECT_EQ(resumes, 2);
  answer = rocksdb::Status::OK();
  EXPECT_TRUE(guard.Tick(resume, t + 3200ms));
  EXPECT_EQ(resumes, 3);
  EXPECT_TRUE(guard.Health().writable);
  EXPECT_TRUE(guard.CheckWritable().ok());
}

// The real thing on a small tmpfs (root only): RocksDB runs out of space in
// its WAL and its LOG. The store reports an error instead of the process
// aborting (RocksDB's own LOG writer asserts on the write after a failed
// one), and recovers once there is room.
TEST_F(StorageTest, AFullDiskIsAnErrorAndTheStoreRecovers) {
  if (::geteuid() != 0) GTEST_SKIP() << "not root: cannot mount a small tmpfs";
  if (::mount("tmpfs", root_.c_str(), "tmpfs", 0, "size=16m") != 0) {
    GTEST_SKIP() << "mount -t tmpfs failed: " << std::strerror(errno);
  }
  mounted_ = true;
  StoreOptions options;
  options.write_buffer_bytes = 4 << 20;  // 1 MiB memtables: a recovery flush fits
  options.min_free_bytes = 0;            // no reserve: let RocksDB hit ENOSPC itself
  options.maintenance_interval = 100ms;
  auto store = Open(options);
  ASSERT_TRUE(store->AddPartition(0).ok());
  const fs::path junk = root_ / "junk";
  {
    std::FILE* f = std::fopen(junk.c_str(), "wb");
    std::vector<char> block(64 << 10, 'j');
    while (std::fwrite(block.data(), 1, block.size(), f) == block.size() && std::fflush(f) == 0) {
    }
    std::fclose(f);
  }
  const std::string value(2000, 'v');
  int64_t offset = 0;
  bool failed = false;
  for (int i = 0; i < 10'000 && !failed; ++i) failed = !store->Commit(Write(0, offset++, value)).ok();
  ASSERT_TRUE(failed) << "the disk never filled";
  const int64_t applied = offset - 1;
  EXPECT_FALSE(store->Commit(Write(0, offset, value)).ok());
  EXPECT_FALSE(store->Health().writable);

  fs::remove(junk);
  bool recovered = false;
  for (int i = 0; i < 300 && !recovered; ++i) {
    std::this_thread::sleep_for(100ms);
    recovered = store->Health().writable && store->Commit(Write(0, applied, value)).ok();
  }
  ASSERT_TRUE(recovered) << store->Health().reason;
  EXPECT_EQ(*store->GetNextOffset(0, "account-events"), applied + 1);
  EXPECT_TRUE(store->GetAccount(0, "acct-" + std::to_string(applied - 1))->has_value());
}

TEST_F(StorageTest, AuditRecordsOlderThanTheRetentionAreDeleted) {
  StoreOptions options;
  options.audit_retention = 30 * scoring::kDay;
  auto store = Open(options);
  for (auto age : {40 * scoring::kDay, 31 * scoring::kDay, 29 * scoring::kDay, scoring::kHour}) {
    ASSERT_TRUE(store->AppendAudit(Audit(kNow - age)).ok());
  }
  auto trimmed = store->TrimAudit();
  ASSERT_TRUE(trimmed.ok()) << trimmed.error().message;
  EXPECT_EQ(trimmed->removed, 2);
  auto left = store->ListAudit("");
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ(left->front().at_micros, kNow - 29 * scoring::kDay);

  clock_.Advance(2 * scoring::kDay);  // the 29-day-old record is 31 days old now
  ASSERT_TRUE(store->TrimAudit().ok());
  left = store->ListAudit("");
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left->front().at_micros, kNow - scoring::kHour);
}

TEST_F(StorageTest, TheAuditLogIsCappedOldestFirst) {
  StoreOptions options;
  options.audit_max_bytes = 64 << 10;
  auto store = Open(options);
  std::mt19937 rng(7);
  std::string detail(300, ' ');
  const int n = 2000;  // ~700 KiB raw, incompressible
  for (int i = 0; i < n; ++i) {
    for (auto& c : detail) c = static_cast<char>('a' + rng() % 26);
    ASSERT_TRUE(store->AppendAudit(Audit(kNow - (n - i) * scoring::kSecond, detail)).ok());
  }
  auto trimmed = store->TrimAudit();
  ASSERT_TRUE(trimmed.ok()) << trimmed.error().message;
  EXPECT_GT(trimmed->bytes_before, 64 << 10);
  EXPECT_LE(trimmed->bytes_after, 64 << 10);
  auto left = store->ListAudit("");
  ASSERT_FALSE(left->empty());
  EXPECT_LT(left->size(), static_cast<size_t>(n));
  EXPECT_EQ(static_cast<int64_t>(left->size()) + trimmed->removed, n);
  EXPECT_EQ(left->back().at_micros, kNow - scoring::kSecond);  // the newest stays
  EXPECT_EQ(left->front().at_micros, kNow - static_cast<int64_t>(left->size()) * scoring::kSecond);
}

}  // namespace
}  // namespace riskd::store
