#include "daemon/log/log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace riskd::log {
namespace {

// Log lines go to fd 2; gtest's CaptureStderr redirects it for the test.
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

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override { SetLevel(Level::kInfo); }
  void TearDown() override { SetLevel(Level::kInfo); }
};

TEST_F(LogTest, WritesOneJsonLineWithLevelComponentMessageAndFields) {
  ::testing::internal::CaptureStderr();
  Warn("kafka", "partition revoked", {{"topic", "account-events"}, {"partition", "3"}});
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 1u);
  const std::string& line = lines[0];
  EXPECT_EQ(line.rfind("{\"ts\":\"", 0), 0u) << line;
  EXPECT_NE(line.find("\"level\":\"warn\",\"component\":\"kafka\",\"msg\":\"partition revoked\","
                      "\"topic\":\"account-events\",\"partition\":\"3\"}"),
            std::string::npos)
      << line;
}

TEST_F(LogTest, TimestampIsRfc3339UtcWithMilliseconds) {
  ::testing::internal::CaptureStderr();
  Info("app", "started");
  std::string line = Lines(::testing::internal::GetCapturedStderr()).at(0);
  // {"ts":"2026-11-28T09:12:00.123Z",...
  std::string ts = line.substr(7, 24);
  ASSERT_EQ(ts.size(), 24u) << line;
  EXPECT_EQ(ts[4], '-');
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts[19], '.');
  EXPECT_EQ(ts[23], 'Z');
  EXPECT_EQ(line[31], '"') << line;
}

TEST_F(LogTest, EscapesQuotesBackslashesAndControlCharacters) {
  ::testing::internal::CaptureStderr();
  Error("http", "bad \"path\"\\x\n\x01", {{"k\"ey", "tab\there"}});
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 1u) << "a newline in a message must not split the line";
  EXPECT_NE(lines[0].find("\"msg\":\"bad \\\"path\\\"\\\\x\\n\\u0001\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"k\\\"ey\":\"tab\\there\""), std::string::npos) << lines[0];
}

TEST_F(LogTest, DropsLinesBelowTheLevel) {
  SetLevel(Level::kWarn);
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
  ::testing::internal::CaptureStderr();
  Debug("a", "debug");
  Info("a", "info");
  Warn("a", "warn");
  Error("a", "error");
  auto lines = Lines(::testing::internal::GetCapturedStderr());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("\"msg\":\"warn\""), std::string::npos);
  EXPECT_NE(lines[1].find("\"msg\":\"error\""), std::string::npos);
}

TEST_F(LogTest, ParseLevelAcceptsTheFourNamesOnly) {
  Level level = Level::kInfo;
  EXPECT_TRUE(ParseLevel("debug", &level));
  EXPECT_EQ(level, Level::kDebug);
  EXPECT_TRUE(ParseLevel("error", &level));
  EXPECT_EQ(level, Level::kError);
  EXPECT_TRUE(ParseLevel("warn", &level));
  EXPECT_EQ(level, Level::kWarn);
  EXPECT_TRUE(ParseLevel("info", &level));
  EXPECT_EQ(level, Level::kInfo);
  EXPECT_FALSE(ParseLevel("WARN", &level));
  EXPECT_FALSE(ParseLevel("verbose", &level));
  EXPECT_EQ(level, Level::kInfo);
}

}  // namespace
}  // namespace riskd::log
