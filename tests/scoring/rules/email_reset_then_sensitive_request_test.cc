#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

constexpr RuleId kRule = RuleId::kEmailResetThenSensitiveRequest;

TEST(EmailResetThenSensitiveRequest, FiresWithBonusForDeliveryToTheMailbox) {
  Account a;
  a.Apply(Reset("reset", kT0));
  const ApplyResult r =
      a.Apply(Request("req", kT0 + 71 * kHour, Action::kSendCredentials,
                      Destination::kEmailOnFile, /*authenticated=*/true));
  const auto f = FiringOf(r, kRule);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->points, 80);
  EXPECT_EQ(f->fired_at, kT0 + 71 * kHour);
  EXPECT_EQ(f->event_ids, (std::vector<std::string>{"reset", "req"}));
  EXPECT_FALSE(f->shadow);
  EXPECT_TRUE(r.publish_update);
}

TEST(EmailResetThenSensitiveRequest, NoBonusForDeliveryElsewhere) {
  Account a;
  a.Apply(Reset("reset", kT0, ResetChannel::kEmail, ResetStage::kRequested));
  const ApplyResult r = a.Apply(Request("req", kT0 + kHour, Action::kChangePhone,
                                        Destination::kPhoneOnFile, true));
  ASSERT_TRUE(FiringOf(r, kRule).has_value());
  EXPECT_EQ(FiringOf(r, kRule)->points, 60);
}

TEST(EmailResetThenSensitiveRequest, JustOutsideTheWindowDoesNotFire) {
  Account a;
  a.Apply(Reset("reset", kT0));
  const ApplyResult r =
      a.Apply(Request("req", kT0 + 72 * kHour + 1, Action::kSendCredentials,
                      Destination::kEmailOnFile, true));
  EXPECT_FALSE(FiringOf(r, kRule).has_value());
  EXPECT_EQ(PointsOf(a.Risk(kT0 + 72 * kHour + 1), kRule), 0);
}

TEST(EmailResetThenSensitiveRequest, AtTheWindowEdgeFires) {
  Account a;
  a.Apply(Reset("reset", kT0));
  EXPECT_TRUE(FiringOf(a.Apply(Request("req", kT0 + 72 * kHour,
                                     Action::kSendCredentials, {}, true)),
                     kRule).has_value());
}

TEST(EmailResetThenSensitiveRequest, NeedsAnEmailResetAndASensitiveAction) {
  Account a;
  a.Apply(Reset("sms-reset", kT0, ResetChannel::kSms));
  EXPECT_FALSE(FiringOf(a.Apply(Request("r1", kT0 + kHour,
                                     Action::kSendCredentials, {}, true)),
                     kRule).has_value());
  a.Apply(Reset("email-reset", kT0 + 2 * kHour));
  EXPECT_FALSE(FiringOf(a.Apply(Request("r2", kT0 + 3 * kHour, Action::kOther,
                                     Destination::kEmailOnFile, true)),
                     kRule).has_value());
}

TEST(EmailResetThenSensitiveRequest, PointsHalveEveryHalfLife) {
  Account a;
  a.Apply(Reset("reset", kT0));
  const EpochMicros fired = kT0 + kHour;
  a.Apply(Request("req", fired, Action::kSendCredentials,
                  Destination::kEmailOnFile, true));
  EXPECT_EQ(PointsOf(a.Risk(fired), kRule), 80);
  EXPECT_EQ(PointsOf(a.Risk(fired + 72 * kHour), kRule), 40);
  EXPECT_EQ(PointsOf(a.Risk(fired + 144 * kHour), kRule), 20);
  EXPECT_EQ(a.Risk(fired + 144 * kHour).level, Level::kLow);
  // Asking about a moment before the firing sees nothing of it.
  EXPECT_EQ(PointsOf(a.Risk(fired - 1), kRule), 0);
}

}  // namespace
}  // namespace riskd::scoring::test
