// Analyst labels (SPEC section 5 feedback, README "Clearing").
#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

TEST(Labels, CompromisedPinsCriticalUntilLegitimate) {
  Account a;
  const ApplyResult r =
      a.Apply(LabelEvent("label-1", kT0, Label::kCompromised, "confirmed ATO"));
  EXPECT_EQ(r.previous_level, Level::kLow);
  EXPECT_EQ(r.level, Level::kCritical);
  EXPECT_TRUE(r.publish_update);
  EXPECT_TRUE(r.report.known);
  EXPECT_EQ(a.Risk(kT0 + 365 * kDay).level, Level::kCritical);
  EXPECT_EQ(a.Risk(kT0 + 365 * kDay).score, 0);  // the score is unchanged
  EXPECT_EQ(a.Risk(kT0 - 1).level, Level::kLow);

  EvaluateRequest other;  // even OTHER through self-service is denied
  EXPECT_EQ(a.Evaluate(other, kT0 + kDay).decision, Decision::kDeny);

  a.Apply(LabelEvent("label-2", kT0 + 2 * kDay, Label::kLegitimate, "owner"));
  EXPECT_EQ(a.Risk(kT0 + kDay).level, Level::kCritical);
  EXPECT_EQ(a.Risk(kT0 + 2 * kDay).level, Level::kLow);
  EXPECT_EQ(a.state().sealed.labels.size() + a.state().pending.size(), 2u);
}

TEST(Labels, LegitimateClearsPointsAndTaints) {
  Account a;
  a.Routine(kT0, 10, Home());
  a.Apply(Reset("reset", kT0));
  a.Apply(Login("stranger", kT0 + kHour, true, Stranger()));
  a.Apply(Change("mfa", kT0 + 2 * kHour, ChangeField::kMfa,
                 ChangeOperation::kAdded));
  ASSERT_FALSE(a.Risk(kT0 + 3 * kHour).tainted_factors.empty());
  ASSERT_GT(a.Risk(kT0 + 3 * kHour).score, 0);

  a.Apply(LabelEvent("legit", kT0 + 3 * kHour, Label::kLegitimate, ""));
  const RiskReport r = a.Risk(kT0 + 3 * kHour);
  EXPECT_EQ(r.score, 0);
  EXPECT_TRUE(r.tainted_factors.empty());
  EXPECT_TRUE(r.forbidden_destinations.empty());
  // Before the label, the past stays as it was.
  EXPECT_FALSE(a.Risk(kT0 + 3 * kHour - 1).tainted_factors.empty());
  // The forgiven reset taints nothing more: a stranger's login now is
  // judged on its own (unfamiliar_context), without touching the PIN.
  a.Apply(Login("stranger-2", kT0 + 4 * kHour, true, OtherStranger()));
  EXPECT_TRUE(a.Risk(kT0 + 4 * kHour).tainted_factors.empty());
  // Logins are no longer quarantined: the stranger's context is familiar now.
  EXPECT_FALSE(FiringOf(a.Apply(Login("stranger-3", kT0 + 5 * kHour, true,
                                   OtherStranger())),
                     RuleId::kUnfamiliarContext).has_value());
}

TEST(Labels, AreKeptBoundedWithTheirNotes) {
  Account a;
  for (int i = 0; i < 100; ++i) {
    a.Apply(LabelEvent("l" + std::to_string(i), kT0 + i * 2 * kHour,
                       i % 2 ? Label::kLegitimate : Label::kCompromised,
                       "note " + std::to_string(i)));
  }
  const auto& labels = a.state().sealed.labels;
  EXPECT_EQ(labels.size(), kMaxLabels);
  EXPECT_EQ(labels.back().note, "note 98");  // l99 is still pending
  EXPECT_EQ(a.state().pending.size(), 1u);
}

}  // namespace
}  // namespace riskd::scoring::test
