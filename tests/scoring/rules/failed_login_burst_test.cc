#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

constexpr RuleId kRule = RuleId::kFailedLoginBurst;

// `n` failed logins, one a minute from `start`; returns the last result.
ApplyResult FailLogins(Account& a, int n, EpochMicros start,
                       DurationMicros spacing) {
  ApplyResult last;
  for (int i = 0; i < n; ++i) {
    last = a.Apply(Login("f" + std::to_string(i), start + i * spacing, false));
  }
  return last;
}

TEST(FailedLoginBurst, TenthFailureWithinTenMinutesFires) {
  Account a;
  // Nine gaps of 66.666 s: the tenth failure lands exactly 10 minutes in.
  const ApplyResult nine = FailLogins(a, 9, kT0, 10 * kMinute / 9);
  EXPECT_FALSE(FiringOf(nine, kRule).has_value());
  const ApplyResult tenth =
      a.Apply(Login("f9", kT0 + 10 * kMinute, false));
  const auto f = FiringOf(tenth, kRule);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->points, 20);
  EXPECT_EQ(f->event_ids.size(), 10u);
  EXPECT_EQ(f->event_ids.front(), "f0");
  EXPECT_EQ(f->event_ids.back(), "f9");
}

TEST(FailedLoginBurst, NineFailuresDoNotFire) {
  Account a;
  EXPECT_FALSE(FiringOf(FailLogins(a, 9, kT0, kSecond), kRule).has_value());
  EXPECT_EQ(PointsOf(a.Risk(kT0 + kMinute), kRule), 0);
}

TEST(FailedLoginBurst, TenSpreadJustOverTheWindowDoNotFire) {
  Account a;
  FailLogins(a, 9, kT0, kSecond);
  EXPECT_FALSE(FiringOf(a.Apply(Login("f9", kT0 + 10 * kMinute + 1, false)), kRule).has_value());
}

TEST(FailedLoginBurst, SuccessfulLoginsDoNotCount) {
  Account a;
  FailLogins(a, 9, kT0, kSecond);
  EXPECT_FALSE(FiringOf(a.Apply(Login("ok", kT0 + kMinute, true)), kRule).has_value());
}

TEST(FailedLoginBurst, PointsHalveEveryHalfLife) {
  Account a;
  FailLogins(a, 10, kT0, kSecond);
  const EpochMicros fired = kT0 + 9 * kSecond;
  EXPECT_EQ(PointsOf(a.Risk(fired), kRule), 20);
  EXPECT_EQ(PointsOf(a.Risk(fired + 72 * kHour), kRule), 10);
}

}  // namespace
}  // namespace riskd::scoring::test
