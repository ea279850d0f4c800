#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

constexpr RuleId kRule = RuleId::kRecoveryChangeAfterReset;

TEST(RecoveryChangeAfterReset, FiresForEachRecoveryField) {
  for (ChangeField field : {ChangeField::kEmail, ChangeField::kPhone,
                            ChangeField::kMfa, ChangeField::kSupportPin,
                            ChangeField::kRecoveryOptions}) {
    Account a;
    a.Apply(Reset("reset", kT0));
    const ApplyResult r = a.Apply(
        Change("change", kT0 + 72 * kHour, field, ChangeOperation::kChanged));
    const auto f = FiringOf(r, kRule);
    ASSERT_TRUE(f.has_value()) << static_cast<int>(field);
    EXPECT_EQ(f->points, 50);
    EXPECT_EQ(f->event_ids, (std::vector<std::string>{"reset", "change"}));
  }
}

TEST(RecoveryChangeAfterReset, JustOutsideTheWindowDoesNotFire) {
  Account a;
  a.Apply(Reset("reset", kT0));
  EXPECT_FALSE(FiringOf(a.Apply(Change("c", kT0 + 72 * kHour + 1,
                                    ChangeField::kPhone,
                                    ChangeOperation::kAdded)),
                     kRule).has_value());
}

TEST(RecoveryChangeAfterReset, PasswordAndApiKeyChangesDoNotCount) {
  Account a;
  a.Apply(Reset("reset", kT0));
  EXPECT_FALSE(FiringOf(a.Apply(Change("p", kT0 + kHour, ChangeField::kPassword,
                                    ChangeOperation::kChanged)),
                     kRule).has_value());
  EXPECT_FALSE(FiringOf(a.Apply(Change("k", kT0 + kHour, ChangeField::kApiKey,
                                    ChangeOperation::kAdded)),
                     kRule).has_value());
}

TEST(RecoveryChangeAfterReset, WithoutAnEmailResetDoesNotFire) {
  Account a;
  a.Apply(Reset("reset", kT0, ResetChannel::kSupportAgent));
  EXPECT_FALSE(FiringOf(a.Apply(Change("c", kT0 + kHour, ChangeField::kEmail,
                                    ChangeOperation::kChanged)),
                     kRule).has_value());
}

TEST(RecoveryChangeAfterReset, PointsHalveEveryHalfLife) {
  Account a;
  a.Apply(Reset("reset", kT0));
  a.Apply(Change("c", kT0 + kHour, ChangeField::kEmail,
                 ChangeOperation::kChanged));
  EXPECT_EQ(PointsOf(a.Risk(kT0 + kHour), kRule), 50);
  EXPECT_EQ(PointsOf(a.Risk(kT0 + kHour + 72 * kHour), kRule), 25);
  EXPECT_EQ(a.Risk(kT0 + kHour).level, Level::kMedium);
  EXPECT_EQ(a.Risk(kT0 + kHour + 72 * kHour).level, Level::kLow);
}

}  // namespace
}  // namespace riskd::scoring::test
