// A full state disk. Before: RocksDB's own LOG writer hit ENOSPC, and its
// next log line (about that very error) tripped an assertion in
// WritableFileWriter: riskd aborted (exit 134), again on every restart while
// the disk stayed full. Now riskd stays up, unready (/readyz 503,
// riskd_ready 0), consumption paused; once space returns it resumes and
// every event is applied exactly once.
//
// The state directory is a small tmpfs mounted by the test (root only; the
// test is skipped with a message otherwise), filled with a junk file.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;

class DiskFullTest : public IntegrationTest {
 protected:
  void TearDown() override {
    if (riskd_) riskd_->Kill();
    if (!mount_.empty()) ::umount2(mount_.c_str(), MNT_DETACH);
    IntegrationTest::TearDown();
  }

  // Mounts a 64 MiB tmpfs where riskd will keep its state; false (with the
  // reason) when this machine does not allow it.
  bool MountSmallDisk(const std::filesystem::path& dir, std::string* why) {
    std::filesystem::create_directories(dir);
    if (::geteuid() != 0) {
      *why = "not root: cannot mount a small tmpfs for the state directory";
      return false;
    }
    if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=64m") != 0) {
      *why = std::string("mount -t tmpfs failed: ") + std::strerror(errno);
      return false;
    }
    mount_ = dir.string();
    return true;
  }

  // Writes junk until the filesystem has at most `leave` bytes free (0:
  // until ENOSPC).
  static void FillDisk(const std::filesystem::path& junk, int64_t leave) {
    std::FILE* f = std::fopen(junk.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::vector<char> block(64 << 10, 'j');
    for (;;) {
      struct statvfs st {};
      ::statvfs(junk.parent_path().c_str(), &st);
      if (leave > 0 && static_cast<int64_t>(st.f_bavail * st.f_frsize) <= leave) break;
      if (std::fwrite(block.data(), 1, block.size(), f) != block.size() || std::fflush(f) != 0) break;
    }
    std::fclose(f);  // with leave 0 the tail that did not fit is lost: the disk is full
  }

  // riskd_ready of a scrape (-1: not in it).
  static double Ready(int ops) {
    const std::string scrape = HttpRequest(ops, "GET", "/metrics").body;
    int series = 0;
    const double v = MetricSum(scrape, "riskd_ready", &series);
    return series ? v : -1;
  }

  // `leave`: free bytes the junk leaves (0: none).
  void Run(const std::string& state_yaml, int64_t leave) {
    RiskdConfig config;
    // Small memtables so a recovery flush fits, and a small cache.
    config.extra_state_yaml = "  write_buffer_bytes: 4MiB\n  block_cache_bytes: 8MiB\n" + state_yaml;
    riskd_ = NewRiskd("riskd", config);
    std::string why;
    if (!MountSmallDisk(riskd_->state_dir(), &why)) GTEST_SKIP() << why;
    riskd_->Start();
    const int api = riskd_->http_port();
    const int ops = riskd_->metrics_port();
    ASSERT_TRUE(WaitReady(api, 60s)) << riskd_->Stderr();

    // Some events while there is room, then the disk fills up, then more.
    const auto stream = RandomStream(/*seed=*/11, 4000, 300, BaseTime());
    std::set<std::string> ids;
    for (const auto& e : stream) ids.insert(e.event_id());
    const size_t half = stream.size() / 2;
    TestProducer producer(bootstrap());
    for (size_t i = 0; i < half; ++i) producer.Produce(kInput, stream[i].account_id(), JsonValue(stream[i]));
    ASSERT_EQ(producer.Flush(), 0);
    ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 60s)) << riskd_->Stderr();

    const auto junk = riskd_->state_dir() / "junk";
    FillDisk(junk, leave);
    for (size_t i = half; i < stream.size(); ++i) {
      producer.Produce(kInput, stream[i].account_id(), JsonValue(stream[i]));
    }
    ASSERT_EQ(producer.Flush(), 0);

    // Unready, paused, alive.
    EXPECT_TRUE(WaitFor([&] { return HttpRequest(ops, "GET", "/readyz").status == 503; }, 60s))
        << HttpRequest(ops, "GET", "/readyz").body << riskd_->Stderr();
    EXPECT_TRUE(WaitFor([&] { return Ready(ops) == 0; }, 30s));
    std::this_thread::sleep_for(5s);
    ASSERT_TRUE(riskd_->Running()) << "riskd exited on a full disk\n" << riskd_->Stderr();
    EXPECT_EQ(HttpRequest(ops, "GET", "/healthz").status, 200);
    EXPECT_EQ(HttpRequest(ops, "GET", "/readyz").status, 503);
    const std::string paused = HttpRequest(ops, "GET", "/metrics").body;
    EXPECT_LT(MetricSum(paused, "riskd_events_total") + MetricSum(paused, "riskd_event_duplicates_total"),
              static_cast<double>(stream.size()))
        << "consumption must pause while nothing can be stored";

    // Room again: it resumes by itself, and every event counts exactly once.
    std::filesystem::remove(junk);
    ASSERT_TRUE(WaitReady(api, 120s)) << HttpRequest(ops, "GET", "/readyz").body << riskd_->Stderr();
    ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 120s)) << riskd_->Stderr();
    ASSERT_TRUE(WaitFor([&] { return Ready(ops) == 1; }, 30s));
    const std::string scrape = HttpRequest(ops, "GET", "/metrics").body;
    EXPECT_EQ(MetricSum(scrape, "riskd_events_total"), static_cast<double>(ids.size())) << riskd_->Stderr();
    EXPECT_EQ(MetricSum(scrape, "riskd_event_duplicates_total"), static_cast<double>(stream.size() - ids.size()));
    EXPECT_EQ(MetricSum(scrape, "riskd_events_rejected_total"), 0);
    EXPECT_TRUE(riskd_->Running());
    EXPECT_EQ(riskd_->Terminate(), 0);
    logs_ = riskd_->Stderr();
    riskd_.reset();
  }

  std::unique_ptr<RiskdProcess> riskd_;
  std::string mount_;
  std::string logs_;
};

// No reserve: RocksDB itself hits ENOSPC (WAL, flush, its LOG file), holds
// a background error, and riskd resumes it (DB::Resume) once there is room.
TEST_F(DiskFullTest, RocksDbOutOfSpaceMakesRiskdUnreadyNotDead) { Run("  min_free_bytes: 0\n", 0); }

// With a reserve riskd stops writing before the disk is full (here 8 MiB
// are left, under the 16 MiB reserve), so RocksDB keeps room for itself.
TEST_F(DiskFullTest, TheFreeSpaceReservePausesBeforeTheDiskIsFull) {
  Run("  min_free_bytes: 16MiB\n", 8 << 20);
  if (!IsSkipped()) {
    EXPECT_EQ(logs_.find("storage stopped accepting writes"), std::string::npos) << logs_;
  }
}

}  // namespace
}  // namespace riskd::it
