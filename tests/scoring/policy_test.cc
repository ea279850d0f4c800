// The decision steps of SPEC section 4 / README "Decisions".
#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

EvaluateRequest Ask(Action action, RequestChannel channel,
                    std::optional<Destination> to = {}) {
  EvaluateRequest r;
  r.action = action;
  r.channel = channel;
  r.deliver_to = to;
  return r;
}

// Raises the account to `points` of mfa_removed-like risk at kT0 by
// configuring that rule's points.
Account AccountAt(double points, ScoringConfig config = ScoringConfig()) {
  config.rule(RuleId::kMfaRemoved).points = points;
  Account a(config);
  if (points > 0) {
    a.Apply(Change("c", kT0, ChangeField::kMfa, ChangeOperation::kRemoved));
  }
  return a;
}

TEST(Policy, SensitiveSupportActionNeedsStandardStepUpAtLowRisk) {
  Account a = AccountAt(0);
  const EvaluateResult r = a.Evaluate(
      Ask(Action::kSendCredentials, RequestChannel::kTicket), kT0);
  EXPECT_EQ(r.decision, Decision::kStepUp);
  EXPECT_EQ(r.acceptable_factors, ScoringConfig().standard_factors);
  EXPECT_FALSE(r.why.empty());
}

TEST(Policy, OtherAndSelfServiceAreAllowedAtLowRisk) {
  Account a = AccountAt(0);
  EXPECT_EQ(a.Evaluate(Ask(Action::kOther, RequestChannel::kLiveChat), kT0)
                .decision,
            Decision::kAllow);
  EXPECT_EQ(a.Evaluate(Ask(Action::kDisableMfa, RequestChannel::kSelfService),
                       kT0)
                .decision,
            Decision::kAllow);
}

TEST(Policy, HighRequiresAStrongFactorEvenForSelfService) {
  Account a = AccountAt(60);
  for (RequestChannel ch : {RequestChannel::kLiveChat,
                            RequestChannel::kSelfService}) {
    const EvaluateResult r = a.Evaluate(Ask(Action::kChangeEmail, ch), kT0);
    EXPECT_EQ(r.decision, Decision::kStepUp);
    EXPECT_EQ(r.acceptable_factors, ScoringConfig().strong_factors);
    EXPECT_FALSE(Contains(r.acceptable_factors, Factor::kSupportPin));
  }
}

TEST(Policy, CriticalDenies) {
  Account a = AccountAt(85);
  const EvaluateResult r =
      a.Evaluate(Ask(Action::kOther, RequestChannel::kSelfService), kT0);
  EXPECT_EQ(r.decision, Decision::kDeny);
  EXPECT_TRUE(r.acceptable_factors.empty());
}

TEST(Policy, ForbiddenDestinationDeniesEvenAfterVerification) {
  Account a = AccountAt(0);
  a.Apply(Reset("reset", kT0));
  a.Apply(Verify("v", kT0 + 1, Factor::kTotp, true));
  EXPECT_EQ(a.Evaluate(Ask(Action::kSendCredentials, RequestChannel::kLiveChat,
                           Destination::kNewEmail),
                       kT0 + 2)
                .decision,
            Decision::kDeny);
  EXPECT_EQ(a.Evaluate(Ask(Action::kSendCredentials, RequestChannel::kLiveChat,
                           Destination::kInSession),
                       kT0 + 2)
                .decision,
            Decision::kAllow);
}

TEST(Policy, EveryFactorTaintedDenies) {
  ScoringConfig config;
  config.standard_factors = {Factor::kSupportPin, Factor::kEmailOtp};
  Account a(config);
  a.Routine(kT0, 5, Home());
  a.Apply(Reset("reset", kT0));
  a.Apply(Login("stranger", kT0 + 1, true, Stranger()));  // taints the PIN
  // 40 + 15 points: MEDIUM, so the standard (all tainted) set applies.
  ASSERT_EQ(a.Risk(kT0 + 1).level, Level::kMedium);
  EXPECT_EQ(a.Evaluate(Ask(Action::kResetPassword, RequestChannel::kPhone),
                       kT0 + 1)
                .decision,
            Decision::kDeny);
}

TEST(Policy, PerActionKnobs) {
  ScoringConfig config;
  config.action(Action::kTransferAsset).support_minimum = Decision::kDeny;
  config.action(Action::kChangePhone).support_minimum = Decision::kAllow;
  config.action(Action::kChangePhone).strong_at = Level::kMedium;
  config.action(Action::kChangePhone).deny_at = Level::kHigh;
  Account low = AccountAt(0, config);
  EXPECT_EQ(low.Evaluate(Ask(Action::kTransferAsset, RequestChannel::kPhone), kT0)
                .decision,
            Decision::kDeny);
  EXPECT_EQ(low.Evaluate(Ask(Action::kChangePhone, RequestChannel::kPhone), kT0)
                .decision,
            Decision::kAllow);
  Account medium = AccountAt(40, config);
  EXPECT_EQ(medium.Evaluate(Ask(Action::kChangePhone, RequestChannel::kPhone), kT0)
                .acceptable_factors,
            config.strong_factors);
  Account high = AccountAt(70, config);
  EXPECT_EQ(high.Evaluate(Ask(Action::kChangePhone, RequestChannel::kPhone), kT0)
                .decision,
            Decision::kDeny);
}

TEST(Policy, PassedVerificationMustBeAcceptableNowToAllow) {
  Account a;
  a.Apply(Verify("pin", kT0, Factor::kSupportPin, true));
  const EvaluateRequest ask = Ask(Action::kSendCredentials, RequestChannel::kLiveChat);
  EXPECT_EQ(a.Evaluate(ask, kT0 + 1).decision, Decision::kAllow);
  // After an EMAIL reset and MFA removal (30 + 50 points: HIGH) the same
  // PIN no longer meets the strong bar.
  a.Apply(Reset("reset", kT0 + 2));
  a.Apply(Change("mfa", kT0 + 3, ChangeField::kMfa, ChangeOperation::kRemoved));
  ASSERT_EQ(a.Risk(kT0 + 4).level, Level::kHigh);
  const EvaluateResult r = a.Evaluate(ask, kT0 + 4);
  EXPECT_EQ(r.decision, Decision::kStepUp);
  EXPECT_EQ(r.acceptable_factors, ScoringConfig().strong_factors);
}

}  // namespace
}  // namespace riskd::scoring::test
