// The listener's connection caps, counted without sockets.
#include "daemon/http/connection_limits.h"

#include <gtest/gtest.h>

namespace riskd::http::internal {
namespace {

using Admit = ConnectionLimits::Admit;

TEST(ConnectionLimitsTest, CapsEachClientAndTheTotal) {
  ConnectionLimits limits(/*max_total=*/3, /*max_per_client=*/2);
  EXPECT_EQ(limits.TryAdmit("10.0.0.1"), Admit::kYes);
  EXPECT_EQ(limits.TryAdmit("10.0.0.1"), Admit::kYes);
  EXPECT_EQ(limits.TryAdmit("10.0.0.1"), Admit::kTooManyFromClient);
  EXPECT_EQ(limits.of("10.0.0.1"), 2);
  EXPECT_EQ(limits.total(), 2);  // a refused connection takes no slot
  EXPECT_EQ(limits.TryAdmit("10.0.0.2"), Admit::kYes);
  EXPECT_EQ(limits.TryAdmit("10.0.0.3"), Admit::kTooMany);
  EXPECT_EQ(limits.total(), 3);
}

TEST(ConnectionLimitsTest, ReleasingGivesTheSlotBackAndForgetsIdleClients) {
  ConnectionLimits limits(2, 1);
  ASSERT_EQ(limits.TryAdmit("a"), Admit::kYes);
  ASSERT_EQ(limits.TryAdmit("b"), Admit::kYes);
  limits.Release("a");
  EXPECT_EQ(limits.of("a"), 0);
  EXPECT_EQ(limits.total(), 1);
  EXPECT_EQ(limits.TryAdmit("a"), Admit::kYes);
  // Releasing a client that holds nothing changes nothing.
  limits.Release("never-admitted");
  EXPECT_EQ(limits.total(), 2);
}

TEST(ConnectionLimitsTest, CapsBelowOneCountAsOne) {
  ConnectionLimits limits(0, 0);
  EXPECT_EQ(limits.TryAdmit("a"), Admit::kYes);
  EXPECT_EQ(limits.TryAdmit("b"), Admit::kTooMany);
}

}  // namespace
}  // namespace riskd::http::internal
