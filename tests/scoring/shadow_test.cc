// Shadow rules are reported, never scored; disabled rules are not run.
#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

TEST(Shadow, ShadowRuleIsReportedButNotScored) {
  ScoringConfig config;
  config.rule(RuleId::kMfaRemoved).shadow = true;
  Account a(config);
  const ApplyResult r =
      a.Apply(Change("c", kT0, ChangeField::kMfa, ChangeOperation::kRemoved));
  const auto f = FiringOf(r, RuleId::kMfaRemoved);
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->shadow);
  EXPECT_EQ(f->points, 30);
  EXPECT_EQ(r.report.score, 0);
  EXPECT_TRUE(r.report.reasons.empty());
  EXPECT_FALSE(r.publish_update);  // no live firing, no level change
}

TEST(Shadow, ShadowAndLiveFiringsSideBySide) {
  ScoringConfig config;
  config.rule(RuleId::kUnauthenticatedSensitiveRequest).shadow = true;
  Account a(config);
  a.Apply(Reset("reset", kT0));
  const ApplyResult r = a.Apply(
      Request("q", kT0 + 1, Action::kSendCredentials, Destination::kPhoneOnFile,
              false));
  ASSERT_EQ(r.new_firings.size(), 2u);
  EXPECT_FALSE(FiringOf(r, RuleId::kEmailResetThenSensitiveRequest)->shadow);
  EXPECT_TRUE(FiringOf(r, RuleId::kUnauthenticatedSensitiveRequest)->shadow);
  EXPECT_EQ(r.report.score, 60);
  EXPECT_TRUE(r.publish_update);
}

TEST(Disabled, DisabledRuleNeitherFiresNorScores) {
  ScoringConfig config;
  config.rule(RuleId::kMfaRemoved).enabled = false;
  Account a(config);
  const ApplyResult r =
      a.Apply(Change("c", kT0, ChangeField::kMfa, ChangeOperation::kRemoved));
  EXPECT_TRUE(r.new_firings.empty());
  EXPECT_EQ(r.report.score, 0);
  EXPECT_FALSE(r.publish_update);
}

}  // namespace
}  // namespace riskd::scoring::test
