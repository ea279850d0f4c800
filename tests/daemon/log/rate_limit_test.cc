#include "daemon/log/rate_limit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace riskd::log {
namespace {

using namespace std::chrono_literals;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

bool Has(const std::string& line, const std::string& part) { return line.find(part) != std::string::npos; }

// A clock the test moves by hand.
class RateLimitTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLevel(Level::kInfo); }
  void TearDown() override { SetLevel(Level::kInfo); }

  RateLimitedLogger::Clock clock() {
    return [this] { return now_; };
  }
  std::chrono::steady_clock::time_point now_{std::chrono::seconds(1000)};
};

TEST_F(RateLimitTest, WritesUpToTheLimitThenSuppresses) {
  RateLimitedLogger logger("kafka", {.lines_per_interval = 3, .interval = 10s}, clock());
  ::testing::internal::CaptureStderr();
  int written = 0;
  for (int i = 0; i < 100; ++i) written += logger.Warn("malformed", "rejected event", {{"reason", "malformed"}});
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  EXPECT_EQ(written, 3);
  ASSERT_EQ(lines.size(), 3u);
  for (const auto& line : lines) {
    EXPECT_TRUE(Has(line, "\"level\":\"warn\",\"component\":\"kafka\",\"msg\":\"rejected event\"")) << line;
  }
  EXPECT_EQ(logger.suppressed_total(), 97);
}

TEST_F(RateLimitTest, WritesOneSummaryWhenTheWindowEndsThenStartsAFreshWindow) {
  RateLimitedLogger logger("kafka", {.lines_per_interval = 2, .interval = 10s}, clock());
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 7; ++i) logger.Warn("malformed", "rejected event");
  now_ += 9s;
  logger.Warn("malformed", "rejected event");  // still inside the first window: suppressed
  now_ += 1s;
  logger.Warn("malformed", "rejected event");  // window over: summary, then this line
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_TRUE(Has(lines[2], "\"level\":\"warn\",\"component\":\"kafka\",\"msg\":\"suppressed 6 similar lines\","
                            "\"key\":\"malformed\",\"suppressed\":\"6\",\"interval_seconds\":\"10\"}"))
      << lines[2];
  EXPECT_TRUE(Has(lines[3], "\"msg\":\"rejected event\"")) << lines[3];
}

TEST_F(RateLimitTest, SummaryGoesOutOnTheNextLineOfAnyKey) {
  RateLimitedLogger logger("kafka", {.lines_per_interval = 1, .interval = 10s}, clock());
  ::testing::internal::CaptureStderr();
  logger.Warn("malformed", "a");
  logger.Warn("malformed", "a");
  now_ += 11s;
  logger.Warn("key_mismatch", "b");
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(Has(lines[1], "suppressed 1 similar lines")) << lines[1];
  EXPECT_TRUE(Has(lines[1], "\"key\":\"malformed\"")) << lines[1];
  EXPECT_TRUE(Has(lines[2], "\"msg\":\"b\"")) << lines[2];
}

TEST_F(RateLimitTest, NoSummaryWhenNothingWasSuppressed) {
  RateLimitedLogger logger("kafka", {.lines_per_interval = 5, .interval = 10s}, clock());
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 5; ++i) logger.Warn("malformed", "a");
  now_ += 60s;
  logger.Warn("malformed", "a");
  logger.Flush();
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  EXPECT_EQ(lines.size(), 6u);
  for (const auto& line : lines) EXPECT_FALSE(Has(line, "suppressed")) << line;
}

TEST_F(RateLimitTest, KeysHaveSeparateBudgets) {
  RateLimitedLogger logger("kafka", {.lines_per_interval = 2, .interval = 10s}, clock());
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 10; ++i) logger.Warn("malformed", "a");
  EXPECT_TRUE(logger.Warn("key_mismatch", "b"));
  EXPECT_TRUE(logger.Warn("key_mismatch", "b"));
  EXPECT_FALSE(logger.Warn("key_mismatch", "b"));
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  EXPECT_EQ(lines.size(), 4u);
}

TEST_F(RateLimitTest, FlushWritesPendingSummariesBeforeTheWindowEnds) {
  RateLimitedLogger logger("kafka", {.lines_per_interval = 1, .interval = 1h}, clock());
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 4; ++i) logger.Error("store", "write failed");
  logger.Flush();
  logger.Flush();  // nothing left: writes nothing
  EXPECT_TRUE(logger.Error("store", "write failed")) << "flush starts a fresh window";
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(Has(lines[1], "\"level\":\"error\"")) << "a summary keeps the level of what it suppressed";
  EXPECT_TRUE(Has(lines[1], "suppressed 3 similar lines")) << lines[1];
  EXPECT_TRUE(Has(lines[1], "\"interval_seconds\":\"3600\"")) << lines[1];
}

TEST_F(RateLimitTest, TickSummarizesEndedWindowsAndTheDestructorFlushes) {
  ::testing::internal::CaptureStderr();
  {
    RateLimitedLogger logger("pipeline", {.lines_per_interval = 1, .interval = 10s}, clock());
    for (int i = 0; i < 5; ++i) logger.Warn("malformed", "rejected");
    logger.Tick();  // window not over: nothing
    now_ += 10s;
    logger.Tick();  // a flood that stopped is summarized without another line of it
    for (int i = 0; i < 3; ++i) logger.Warn("unknown_enum", "rejected");
  }  // shutdown: the pending summary is not lost
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_TRUE(Has(lines[1], "\"key\":\"malformed\",\"suppressed\":\"4\"")) << lines[1];
  EXPECT_TRUE(Has(lines[3], "\"key\":\"unknown_enum\",\"suppressed\":\"2\"")) << lines[3];
}

TEST_F(RateLimitTest, KeysBeyondTheLimitShareOneBucket) {
  RateLimitedLogger logger("http", {.lines_per_interval = 1, .interval = 10s, .max_keys = 2}, clock());
  ::testing::internal::CaptureStderr();
  logger.Warn("k1", "a");
  logger.Warn("k2", "a");
  EXPECT_TRUE(logger.Warn("k3", "a"));   // first of the overflow bucket
  EXPECT_FALSE(logger.Warn("k4", "a"));  // same bucket, over budget
  logger.Flush();
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_TRUE(Has(lines[3], "\"key\":\"other\"")) << lines[3];
}

TEST_F(RateLimitTest, LinesBelowTheLevelUseNoBudget) {
  RateLimitedLogger logger("kafka", {.lines_per_interval = 1, .interval = 10s}, clock());
  SetLevel(Level::kError);
  ::testing::internal::CaptureStderr();
  EXPECT_FALSE(logger.Warn("malformed", "a"));
  SetLevel(Level::kInfo);
  EXPECT_TRUE(logger.Warn("malformed", "a"));
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  EXPECT_EQ(lines.size(), 1u);
  EXPECT_EQ(logger.suppressed_total(), 0);
}

TEST_F(RateLimitTest, ConcurrentWritersAreEachCountedOnce) {
  RateLimitedLogger logger("kafka", {.lines_per_interval = 5, .interval = 1h}, clock());
  std::atomic<int> written{0};
  ::testing::internal::CaptureStderr();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) written += logger.Warn("malformed", "a");
    });
  }
  for (auto& t : threads) t.join();
  logger.Flush();
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  EXPECT_EQ(written.load(), 5);
  EXPECT_EQ(logger.suppressed_total(), 3995);
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_TRUE(Has(lines[5], "suppressed 3995 similar lines")) << lines[5];
}

}  // namespace
}  // namespace riskd::log
