#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

constexpr RuleId kRule = RuleId::kUnfamiliarContext;

TEST(UnfamiliarContext, FiresForLoginResetAndRequestFromAStranger) {
  Account a;
  a.Routine(kT0, 5, Home());
  const auto f =
      FiringOf(a.Apply(Login("l", kT0, false, Stranger())), kRule);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->points, 15);
  EXPECT_EQ(f->event_ids, (std::vector<std::string>{"l"}));
  EXPECT_TRUE(FiringOf(a.Apply(Reset("r", kT0 + 1, ResetChannel::kSms,
                                   ResetStage::kRequested, Stranger())),
                     kRule).has_value());
  EXPECT_TRUE(FiringOf(a.Apply(Request("q", kT0 + 2, Action::kOther, {}, true,
                                     Stranger())),
                     kRule).has_value());
}

TEST(UnfamiliarContext, OneFamiliarKeyIsEnough) {
  Account a;
  a.Routine(kT0, 5, Home());
  Ctx same_network = Stranger();
  same_network.ip = "198.51.100.200";  // the home /24
  EXPECT_FALSE(FiringOf(a.Apply(Login("l1", kT0, true, same_network)), kRule).has_value());
  Ctx same_asn = Stranger();
  same_asn.asn = Home().asn;
  EXPECT_FALSE(FiringOf(a.Apply(Login("l2", kT0 + 1, true, same_asn)), kRule).has_value());
}

TEST(UnfamiliarContext, NothingIsUnfamiliarWithoutHistoryOrContext) {
  Account fresh;
  EXPECT_FALSE(FiringOf(fresh.Apply(Login("l", kT0, true, Stranger())), kRule).has_value());
  Account a;
  a.Routine(kT0, 5, Home());
  EXPECT_FALSE(FiringOf(a.Apply(Login("bare", kT0, true, Ctx{})), kRule).has_value());
}

TEST(UnfamiliarContext, FamiliarityLastsTheFamiliarWindow) {
  Account a;
  a.Apply(Login("old", kT0, true, Home()));
  a.Apply(Login("other", kT0 + 50 * kDay, true, OtherStranger()));
  // 90 days after "old" the home context is still familiar...
  EXPECT_FALSE(FiringOf(a.Apply(Login("edge", kT0 + 90 * kDay, false, Home())),
                     kRule).has_value());
  // ...one microsecond later it is not (a failed login does not refresh it).
  EXPECT_TRUE(FiringOf(a.Apply(Login("late", kT0 + 90 * kDay + 1, false, Home())),
                     kRule).has_value());
}

TEST(UnfamiliarContext, LoginsAfterAnEmailResetDoNotBecomeFamiliar) {
  Account a;
  a.Routine(kT0, 5, Home());
  a.Apply(Reset("reset", kT0, ResetChannel::kEmail, ResetStage::kCompleted,
                Home()));
  a.Apply(Login("attacker-1", kT0 + kHour, true, Stranger()));
  EXPECT_TRUE(FiringOf(a.Apply(Login("attacker-2", kT0 + 2 * kHour, true,
                                   Stranger())),
                     kRule).has_value());
  // Once cleared by a passed, acceptable verification, logins count again.
  a.Apply(Verify("v", kT0 + 3 * kHour, Factor::kIdDocument, true));
  a.Apply(Login("after-1", kT0 + 4 * kHour, true, OtherStranger()));
  EXPECT_FALSE(FiringOf(a.Apply(Login("after-2", kT0 + 5 * kHour, true,
                                   OtherStranger())),
                     kRule).has_value());
}

TEST(UnfamiliarContext, PointsHalveEveryHalfLife) {
  Account a;
  a.Routine(kT0, 5, Home());
  a.Apply(Login("l", kT0, true, Stranger()));
  EXPECT_EQ(PointsOf(a.Risk(kT0), kRule), 15);
  EXPECT_EQ(PointsOf(a.Risk(kT0 + 72 * kHour), kRule), 7.5);
}

}  // namespace
}  // namespace riskd::scoring::test
