#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

constexpr RuleId kRule = RuleId::kFailedVerificationBurst;

TEST(FailedVerificationBurst, ThirdFailureWithinTheWindowFires) {
  Account a;
  EXPECT_FALSE(FiringOf(a.Apply(Verify("v1", kT0, Factor::kSupportPin, false)),
                     kRule).has_value());
  EXPECT_FALSE(FiringOf(a.Apply(Verify("v2", kT0 + 30 * kMinute,
                                    Factor::kSupportPin, false)),
                     kRule).has_value());
  const auto f = FiringOf(
      a.Apply(Verify("v3", kT0 + kHour, Factor::kTotp, false)), kRule);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->points, 30);
  EXPECT_EQ(f->fired_at, kT0 + kHour);
  EXPECT_EQ(f->event_ids, (std::vector<std::string>{"v1", "v2", "v3"}));
}

TEST(FailedVerificationBurst, JustOutsideTheWindowDoesNotFire) {
  Account a;
  a.Apply(Verify("v1", kT0, Factor::kSupportPin, false));
  a.Apply(Verify("v2", kT0 + 30 * kMinute, Factor::kSupportPin, false));
  EXPECT_FALSE(FiringOf(a.Apply(Verify("v3", kT0 + kHour + 1, Factor::kSupportPin,
                                    false)),
                     kRule).has_value());
}

TEST(FailedVerificationBurst, PassesDoNotCount) {
  Account a;
  a.Apply(Verify("v1", kT0, Factor::kSupportPin, false));
  a.Apply(Verify("ok", kT0 + 1, Factor::kSupportPin, true));
  EXPECT_FALSE(FiringOf(a.Apply(Verify("v2", kT0 + 2, Factor::kSupportPin, false)),
                     kRule).has_value());
}

TEST(FailedVerificationBurst, PointsHalveEveryHalfLife) {
  Account a;
  for (int i = 0; i < 3; ++i) {
    a.Apply(Verify("v" + std::to_string(i), kT0 + i, Factor::kSmsOtp, false));
  }
  EXPECT_EQ(PointsOf(a.Risk(kT0 + 2), kRule), 30);
  EXPECT_EQ(a.Risk(kT0 + 2).level, Level::kMedium);
  EXPECT_EQ(PointsOf(a.Risk(kT0 + 2 + 72 * kHour), kRule), 15);
  EXPECT_EQ(a.Risk(kT0 + 2 + 72 * kHour).level, Level::kLow);
}

}  // namespace
}  // namespace riskd::scoring::test
