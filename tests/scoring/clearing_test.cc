// Clearing by a passed verification with an acceptable factor (SPEC 3, 4).
#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

TEST(Clearing, AcceptableVerificationClearsEarlierPoints) {
  Account a;
  a.Apply(Change("c", kT0, ChangeField::kMfa, ChangeOperation::kRemoved));
  EXPECT_GT(a.Risk(kT0 + kHour).score, 29);
  a.Apply(Verify("v", kT0 + kHour, Factor::kSupportPin, true));
  EXPECT_EQ(a.Risk(kT0 + kHour).score, 0);
  EXPECT_TRUE(a.Risk(kT0 + kHour).reasons.empty());
  // Asking about the moment before the clearing still sees the points.
  EXPECT_GT(a.Risk(kT0 + kHour - 1).score, 0);
  // A rule firing after the clearing counts again.
  a.Apply(Change("c2", kT0 + 2 * kHour, ChangeField::kMfa,
                 ChangeOperation::kRemoved));
  EXPECT_EQ(a.Risk(kT0 + 2 * kHour).score, 30);
}

TEST(Clearing, FailedVerificationDoesNotClear) {
  Account a;
  a.Apply(Change("c", kT0, ChangeField::kMfa, ChangeOperation::kRemoved));
  a.Apply(Verify("v", kT0 + 1, Factor::kSupportPin, false));
  EXPECT_GT(a.Risk(kT0 + 1).score, 29);
}

TEST(Clearing, TaintedFactorDoesNotClear) {
  Account a;
  a.Apply(Reset("reset", kT0));
  // MFA enrolled after the reset: recovery_change_after_reset (MEDIUM) and
  // TOTP tainted.
  a.Apply(Change("mfa", kT0 + 1, ChangeField::kMfa, ChangeOperation::kAdded));
  ASSERT_EQ(a.Risk(kT0 + 1).level, Level::kMedium);
  a.Apply(Verify("totp", kT0 + 2, Factor::kTotp, true));
  EXPECT_EQ(a.Risk(kT0 + 2).level, Level::kMedium);
  a.Apply(Verify("sms", kT0 + 3, Factor::kSmsOtp, true));
  EXPECT_EQ(a.Risk(kT0 + 3).score, 0);
}

TEST(Clearing, AtHighOnlyAStrongFactorClears) {
  Account a;
  a.Apply(Change("c", kT0, ChangeField::kMfa, ChangeOperation::kRemoved));
  a.Apply(Request("q", kT0, Action::kSendCredentials, {}, false));
  a.Apply(Login("x", kT0, false));
  ASSERT_EQ(a.Risk(kT0).level, Level::kMedium);  // 30 + 25
  a.Apply(Reset("r", kT0 + 1));
  a.Apply(Change("email", kT0 + 2, ChangeField::kEmail, ChangeOperation::kChanged));
  ASSERT_EQ(a.Risk(kT0 + 2).level, Level::kCritical);  // + 50
  a.Apply(Verify("pin", kT0 + 3, Factor::kSupportPin, true));
  EXPECT_EQ(a.Risk(kT0 + 3).level, Level::kCritical);
  a.Apply(Verify("totp", kT0 + 4, Factor::kTotp, true));
  EXPECT_EQ(a.Risk(kT0 + 4).score, 0);
}

TEST(Clearing, VerificationSatisfiesStepUpForItsValidity) {
  Account a;
  EvaluateRequest req;
  req.action = Action::kChangeEmail;
  req.channel = RequestChannel::kPhone;
  EXPECT_EQ(a.Evaluate(req, kT0).decision, Decision::kStepUp);
  a.Apply(Verify("v", kT0, Factor::kSmsOtp, true));
  EXPECT_EQ(a.Evaluate(req, kT0 + kHour).decision, Decision::kAllow);
  EXPECT_EQ(a.Evaluate(req, kT0 + kHour + 1).decision, Decision::kStepUp);
  // A verification in the future of the question does not count.
  EXPECT_EQ(a.Evaluate(req, kT0 - 1).decision, Decision::kStepUp);
}

}  // namespace
}  // namespace riskd::scoring::test
