#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

constexpr RuleId kRule = RuleId::kMfaRemoved;

TEST(MfaRemoved, RemovingMfaFires) {
  Account a;
  const ApplyResult r =
      a.Apply(Change("c", kT0, ChangeField::kMfa, ChangeOperation::kRemoved));
  const auto f = FiringOf(r, kRule);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->points, 30);
  EXPECT_EQ(f->event_ids, (std::vector<std::string>{"c"}));
  EXPECT_EQ(r.previous_level, Level::kLow);
  EXPECT_EQ(r.level, Level::kMedium);
}

TEST(MfaRemoved, AddingMfaOrRemovingSomethingElseDoesNotFire) {
  Account a;
  EXPECT_FALSE(FiringOf(a.Apply(Change("add", kT0, ChangeField::kMfa,
                                    ChangeOperation::kAdded)),
                     kRule).has_value());
  EXPECT_FALSE(FiringOf(a.Apply(Change("phone", kT0, ChangeField::kPhone,
                                    ChangeOperation::kRemoved)),
                     kRule).has_value());
}

TEST(MfaRemoved, PointsHalveEveryHalfLife) {
  Account a;
  a.Apply(Change("c", kT0, ChangeField::kMfa, ChangeOperation::kRemoved));
  EXPECT_EQ(PointsOf(a.Risk(kT0), kRule), 30);
  EXPECT_EQ(PointsOf(a.Risk(kT0 + 72 * kHour), kRule), 15);
  EXPECT_EQ(a.Risk(kT0 + 72 * kHour).level, Level::kLow);
}

}  // namespace
}  // namespace riskd::scoring::test
