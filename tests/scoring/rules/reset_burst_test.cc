#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

constexpr RuleId kRule = RuleId::kResetBurst;

Event Requested(std::string id, EpochMicros at, ResetChannel channel) {
  return Reset(std::move(id), at, channel, ResetStage::kRequested);
}

TEST(ResetBurst, ThirdRequestWithinADayFiresWhateverTheChannel) {
  Account a;
  a.Apply(Requested("r1", kT0, ResetChannel::kEmail));
  a.Apply(Requested("r2", kT0 + 12 * kHour, ResetChannel::kSms));
  const auto f = FiringOf(
      a.Apply(Requested("r3", kT0 + 24 * kHour, ResetChannel::kSupportAgent)),
      kRule);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->points, 20);
  EXPECT_EQ(f->event_ids, (std::vector<std::string>{"r1", "r2", "r3"}));
}

TEST(ResetBurst, JustOutsideTheWindowDoesNotFire) {
  Account a;
  a.Apply(Requested("r1", kT0, ResetChannel::kSms));
  a.Apply(Requested("r2", kT0 + kHour, ResetChannel::kSms));
  EXPECT_FALSE(FiringOf(a.Apply(Requested("r3", kT0 + 24 * kHour + 1,
                                       ResetChannel::kSms)),
                     kRule).has_value());
}

TEST(ResetBurst, CompletedResetsDoNotCount) {
  Account a;
  a.Apply(Requested("r1", kT0, ResetChannel::kSms));
  a.Apply(Requested("r2", kT0 + 1, ResetChannel::kSms));
  EXPECT_FALSE(FiringOf(a.Apply(Reset("c", kT0 + 2, ResetChannel::kSms,
                                   ResetStage::kCompleted)),
                     kRule).has_value());
}

TEST(ResetBurst, PointsHalveEveryHalfLife) {
  Account a;
  for (int i = 0; i < 3; ++i) {
    a.Apply(Requested("r" + std::to_string(i), kT0 + i, ResetChannel::kSms));
  }
  EXPECT_EQ(PointsOf(a.Risk(kT0 + 2), kRule), 20);
  EXPECT_EQ(PointsOf(a.Risk(kT0 + 2 + 72 * kHour), kRule), 10);
}

}  // namespace
}  // namespace riskd::scoring::test
