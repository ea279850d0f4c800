#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

constexpr RuleId kRule = RuleId::kImpossibleTravel;

Ctx At(double lat, double lon) { return Ctx{"", "", 0, {{lat, lon}}}; }
const Ctx kNewYork = At(40.7128, -74.0060);
const Ctx kLondon = At(51.5074, -0.1278);  // ~5,570 km from New York

TEST(ImpossibleTravel, NewYorkToLondonInAnHourFires) {
  Account a;
  a.Apply(Login("ny", kT0, true, kNewYork));
  const auto f =
      FiringOf(a.Apply(Login("ldn", kT0 + kHour, true, kLondon)), kRule);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->points, 35);
  EXPECT_EQ(f->event_ids, (std::vector<std::string>{"ny", "ldn"}));
}

TEST(ImpossibleTravel, JustUnderTheSpeedLimitDoesNotFire) {
  Account a;
  a.Apply(Login("ny", kT0, true, kNewYork));
  // 5,570 km at 900 km/h takes about 6.19 h; 6.2 h is (just) possible.
  EXPECT_FALSE(FiringOf(a.Apply(Login("ldn", kT0 + 6 * kHour + 12 * kMinute, true,
                                   kLondon)),
                     kRule).has_value());
}

TEST(ImpossibleTravel, JustOverTheSpeedLimitFires) {
  Account a;
  a.Apply(Login("ny", kT0, true, kNewYork));
  EXPECT_TRUE(FiringOf(a.Apply(Login("ldn", kT0 + 6 * kHour + 10 * kMinute, true,
                                   kLondon)),
                     kRule).has_value());
}

TEST(ImpossibleTravel, SameInstantElsewhereIsInfinitelyFast) {
  Account a;
  a.Apply(Login("a", kT0, true, kNewYork));
  EXPECT_TRUE(FiringOf(a.Apply(Login("b", kT0, true, kLondon)), kRule).has_value());
  Account still;
  still.Apply(Login("a", kT0, true, kNewYork));
  EXPECT_FALSE(FiringOf(still.Apply(Login("b", kT0, true, kNewYork)), kRule).has_value());
}

TEST(ImpossibleTravel, FailedOrUnlocatedLoginsAreIgnored) {
  Account a;
  a.Apply(Login("ny", kT0, true, kNewYork));
  EXPECT_FALSE(FiringOf(a.Apply(Login("fail", kT0 + 1, false, kLondon)), kRule).has_value());
  EXPECT_FALSE(FiringOf(a.Apply(Login("bare", kT0 + 2, true, Ctx{})), kRule).has_value());
}

TEST(ImpossibleTravel, PointsHalveEveryHalfLife) {
  Account a;
  a.Apply(Login("ny", kT0, true, kNewYork));
  a.Apply(Login("ldn", kT0 + kHour, true, kLondon));
  EXPECT_EQ(PointsOf(a.Risk(kT0 + kHour), kRule), 35);
  EXPECT_EQ(PointsOf(a.Risk(kT0 + kHour + 72 * kHour), kRule), 17.5);
}

}  // namespace
}  // namespace riskd::scoring::test
