#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

constexpr RuleId kRule = RuleId::kEmailResetThenUnfamiliarLogin;

TEST(EmailResetThenUnfamiliarLogin, FiresForALoginFromAStrangerAfterReset) {
  Account a;
  a.Routine(kT0, 10, Home());
  a.Apply(Reset("reset", kT0));
  const ApplyResult r =
      a.Apply(Login("login", kT0 + 24 * kHour, true, Stranger()));
  const auto f = FiringOf(r, kRule);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->points, 40);
  EXPECT_EQ(f->event_ids, (std::vector<std::string>{"reset", "login"}));
}

TEST(EmailResetThenUnfamiliarLogin, JustOutsideTheWindowDoesNotFire) {
  Account a;
  a.Routine(kT0, 10, Home());
  a.Apply(Reset("reset", kT0));
  const ApplyResult r =
      a.Apply(Login("login", kT0 + 24 * kHour + 1, true, Stranger()));
  EXPECT_FALSE(FiringOf(r, kRule).has_value());
  // Still an unfamiliar context, just not the reset pattern.
  EXPECT_TRUE(FiringOf(r, RuleId::kUnfamiliarContext).has_value());
}

TEST(EmailResetThenUnfamiliarLogin, FamiliarOrFailedLoginsDoNotFire) {
  Account a;
  a.Routine(kT0, 10, Home());
  a.Apply(Reset("reset", kT0));
  EXPECT_FALSE(FiringOf(a.Apply(Login("home", kT0 + kHour, true, Home())), kRule).has_value());
  EXPECT_FALSE(
      FiringOf(a.Apply(Login("fail", kT0 + 2 * kHour, false, Stranger())), kRule)
          .has_value());
}

TEST(EmailResetThenUnfamiliarLogin, NewAccountHasNothingUnfamiliar) {
  Account a;
  a.Apply(Reset("reset", kT0));
  EXPECT_FALSE(FiringOf(a.Apply(Login("l", kT0 + kHour, true, Stranger())), kRule).has_value());
}

TEST(EmailResetThenUnfamiliarLogin, PointsHalveEveryHalfLife) {
  Account a;
  a.Routine(kT0, 10, Home());
  a.Apply(Reset("reset", kT0));
  a.Apply(Login("login", kT0 + kHour, true, Stranger()));
  EXPECT_EQ(PointsOf(a.Risk(kT0 + kHour), kRule), 40);
  EXPECT_EQ(PointsOf(a.Risk(kT0 + kHour + 72 * kHour), kRule), 20);
}

}  // namespace
}  // namespace riskd::scoring::test
