#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

constexpr RuleId kRule = RuleId::kUnauthenticatedSensitiveRequest;

TEST(UnauthenticatedSensitiveRequest, FiresForEverySensitiveAction) {
  for (int i = 0; i < kActionCount; ++i) {
    const auto action = static_cast<Action>(i);
    Account a;
    const ApplyResult r = a.Apply(Request("q", kT0, action, {}, false));
    EXPECT_EQ(FiringOf(r, kRule).has_value(), IsSensitive(action))
        << name(action);
  }
}

TEST(UnauthenticatedSensitiveRequest, AuthenticatedRequesterDoesNotFire) {
  Account a;
  EXPECT_FALSE(FiringOf(a.Apply(Request("q", kT0, Action::kSendCredentials,
                                        Destination::kInSession, true)),
                        kRule)
                   .has_value());
}

TEST(UnauthenticatedSensitiveRequest, PointsHalveEveryHalfLife) {
  Account a;
  a.Apply(Request("q", kT0, Action::kTransferAsset, {}, false));
  EXPECT_EQ(PointsOf(a.Risk(kT0), kRule), 25);
  EXPECT_EQ(PointsOf(a.Risk(kT0 + 72 * kHour), kRule), 12.5);
}

}  // namespace
}  // namespace riskd::scoring::test
