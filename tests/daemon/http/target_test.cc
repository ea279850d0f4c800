#include "daemon/http/target.h"

#include <gtest/gtest.h>

namespace riskd::http {
namespace {

TEST(TargetTest, PercentDecodes) {
  EXPECT_EQ(PercentDecode("a%2Fb%20c+d"), "a/b c+d");
  EXPECT_EQ(PercentDecode("%e2%82%AC"), "\xe2\x82\xac");
  EXPECT_EQ(PercentDecode(""), "");
  EXPECT_FALSE(PercentDecode("%"));
  EXPECT_FALSE(PercentDecode("%2"));
  EXPECT_FALSE(PercentDecode("%zz"));
  EXPECT_FALSE(PercentDecode("ab%"));
}

TEST(TargetTest, ChecksUtf8) {
  EXPECT_TRUE(IsValidUtf8("acct-42"));
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac\xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
}

TEST(TargetTest, AccountIdIsOneTo128DecodedBytes) {
  EXPECT_EQ(DecodeAccountId("acct-42").value(), "acct-42");
  EXPECT_EQ(DecodeAccountId("a%2Fb").value(), "a/b");
  EXPECT_EQ(DecodeAccountId(std::string(128, 'x')).value(), std::string(128, 'x'));
  // 128 bytes once decoded, although 384 on the wire.
  std::string encoded;
  for (int i = 0; i < 128; ++i) encoded += "%41";
  EXPECT_TRUE(DecodeAccountId(encoded).ok());
  for (std::string bad : {std::string(), std::string(129, 'x'), std::string("%zz"), std::string("%ff")}) {
    auto r = DecodeAccountId(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "invalid_argument");
    EXPECT_NE(r.error().message.find("accountId"), std::string::npos);
  }
}

TEST(TargetTest, ParsesQueries) {
  auto q = ParseQuery("asOf=2026-11-28T10:00:00%2B01:00&x&&y=1");
  ASSERT_TRUE(q.ok());
  ASSERT_EQ(q->size(), 3u);
  EXPECT_EQ((*q)[0].first, "asOf");
  EXPECT_EQ((*q)[0].second, "2026-11-28T10:00:00+01:00");
  EXPECT_EQ((*q)[1].first, "x");
  EXPECT_EQ((*q)[1].second, "");
  EXPECT_FALSE(ParseQuery("a=%").ok());
}

TEST(TargetTest, SplitsPathsIntoRawSegments) {
  EXPECT_EQ(PathSegments("/v1/config:reload"), (std::vector<std::string_view>{"v1", "config:reload"}));
  EXPECT_EQ(PathSegments("/a//b/"), (std::vector<std::string_view>{"a", "", "b", ""}));
  EXPECT_TRUE(PathSegments("relative").empty());
  auto split = SplitPathAndQuery("/p?q=1?2");
  EXPECT_EQ(split.path, "/p");
  EXPECT_EQ(split.query, "q=1?2");
}

}  // namespace
}  // namespace riskd::http
