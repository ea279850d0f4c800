#include "daemon/cluster/member_codec.h"

#include <gtest/gtest.h>

namespace riskd::cluster {
namespace {

TEST(MemberCodecTest, RoundTrips) {
  const Member m{"riskd-1", "http://riskd-1.riskd-headless:8080", 12,
                 {Claim{0, ClaimState::kServing, 1'800'000'000'000'001}, Claim{7, ClaimState::kRestoring, 5}},
                 1'800'000'000'123'456};
  const std::string value = EncodeMember(m);
  EXPECT_NE(value.find("\"instanceId\":\"riskd-1\""), std::string::npos) << value;  // readable with kcat
  auto back = DecodeMember("riskd-1", value);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, m);
}

TEST(MemberCodecTest, RefusesGarbageAndAKeyThatDisagrees) {
  EXPECT_FALSE(DecodeMember("a", "not json").ok());
  EXPECT_FALSE(DecodeMember("a", R"({"instanceId":"b"})").ok());
}

TEST(MemberCodecTest, IgnoresUnknownFieldsAndUnspecifiedClaims) {
  auto m = DecodeMember("a", R"({"instanceId":"a","futureField":1,"claims":[{"partition":1},{"partition":2,"state":"SERVING"}]})");
  ASSERT_TRUE(m.ok()) << m.error().message;
  ASSERT_EQ(m->claims.size(), 1u);
  EXPECT_EQ(m->claims[0].partition, 2);
}

}  // namespace
}  // namespace riskd::cluster
