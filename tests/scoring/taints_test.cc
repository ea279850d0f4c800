// Tainted factors and forbidden destinations (SPEC section 4).
#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

TEST(Taints, EmailResetTaintsEmailFactorsAndForbidsTheMailbox) {
  Account a;
  a.Apply(Reset("reset", kT0, ResetChannel::kEmail, ResetStage::kRequested));
  const RiskReport r = a.Risk(kT0);
  EXPECT_EQ(r.tainted_factors,
            (std::vector<Factor>{Factor::kEmailOtp, Factor::kEmailLink}));
  EXPECT_EQ(r.forbidden_destinations,
            (std::vector<Destination>{Destination::kEmailOnFile,
                                      Destination::kNewEmail}));
}

TEST(Taints, LastForTheTaintPeriod) {
  Account a;
  a.Apply(Reset("reset", kT0));
  EXPECT_FALSE(a.Risk(kT0 + 30 * kDay - 1).tainted_factors.empty());
  EXPECT_TRUE(a.Risk(kT0 + 30 * kDay).tainted_factors.empty());
  EXPECT_TRUE(a.Risk(kT0 + 30 * kDay).forbidden_destinations.empty());
  EXPECT_TRUE(a.Risk(kT0 - 1).tainted_factors.empty());
}

TEST(Taints, NewerEmailResetExtendsThem) {
  Account a;
  a.Apply(Reset("r1", kT0));
  a.Apply(Reset("r2", kT0 + 10 * kDay));
  EXPECT_FALSE(a.Risk(kT0 + 35 * kDay).tainted_factors.empty());
  EXPECT_FALSE(a.Risk(kT0 + kDay).tainted_factors.empty());
}

TEST(Taints, OtherResetChannelsTaintNothing) {
  Account a;
  a.Apply(Reset("sms", kT0, ResetChannel::kSms));
  a.Apply(Reset("agent", kT0 + 1, ResetChannel::kSupportAgent));
  EXPECT_TRUE(a.Risk(kT0 + 1).tainted_factors.empty());
  EXPECT_TRUE(a.Risk(kT0 + 1).forbidden_destinations.empty());
}

TEST(Taints, UnfamiliarLoginAfterResetTaintsThePin) {
  Account a;
  a.Routine(kT0, 10, Home());
  a.Apply(Reset("reset", kT0));
  a.Apply(Login("home", kT0 + kHour, true, Home()));
  EXPECT_FALSE(Contains(a.Risk(kT0 + kHour).tainted_factors, Factor::kSupportPin));
  a.Apply(Login("stranger", kT0 + 20 * kDay, true, Stranger()));
  EXPECT_TRUE(
      Contains(a.Risk(kT0 + 20 * kDay).tainted_factors, Factor::kSupportPin));
  // Counted from that login, not from the reset.
  EXPECT_TRUE(
      Contains(a.Risk(kT0 + 45 * kDay).tainted_factors, Factor::kSupportPin));
  EXPECT_FALSE(
      Contains(a.Risk(kT0 + 50 * kDay).tainted_factors, Factor::kSupportPin));
}

TEST(Taints, UnfamiliarLoginAfterTheTaintPeriodDoesNotTaintThePin) {
  Account a;
  a.Routine(kT0, 10, Home());
  a.Apply(Reset("reset", kT0));
  a.Apply(Login("stranger", kT0 + 30 * kDay, true, Stranger()));
  EXPECT_FALSE(
      Contains(a.Risk(kT0 + 30 * kDay).tainted_factors, Factor::kSupportPin));
}

TEST(Taints, UnfamiliarLoginWithoutResetDoesNotTaintThePin) {
  Account a;
  a.Routine(kT0, 10, Home());
  a.Apply(Login("stranger", kT0, true, Stranger()));
  EXPECT_TRUE(a.Risk(kT0).tainted_factors.empty());
}

TEST(Taints, FactorsEnrolledAfterTheResetAreTainted) {
  Account a;
  a.Apply(Reset("reset", kT0));
  a.Apply(Change("mfa", kT0 + kDay, ChangeField::kMfa, ChangeOperation::kAdded));
  const RiskReport mfa = a.Risk(kT0 + kDay);
  EXPECT_TRUE(Contains(mfa.tainted_factors, Factor::kTotp));
  EXPECT_TRUE(Contains(mfa.tainted_factors, Factor::kWebauthn));
  EXPECT_FALSE(Contains(mfa.tainted_factors, Factor::kSmsOtp));
  a.Apply(Change("phone", kT0 + 2 * kDay, ChangeField::kPhone,
                 ChangeOperation::kChanged));
  EXPECT_TRUE(Contains(a.Risk(kT0 + 2 * kDay).tainted_factors, Factor::kSmsOtp));
}

TEST(Taints, FactorsEnrolledWithoutAResetAreNot) {
  Account a;
  a.Apply(Change("mfa", kT0, ChangeField::kMfa, ChangeOperation::kAdded));
  a.Apply(Change("phone", kT0, ChangeField::kPhone, ChangeOperation::kAdded));
  EXPECT_TRUE(a.Risk(kT0).tainted_factors.empty());
}

TEST(Taints, AVerificationDoesNotLiftThem) {
  Account a;
  a.Apply(Reset("reset", kT0));
  a.Apply(Verify("v", kT0 + kHour, Factor::kTotp, true));
  EXPECT_TRUE(Contains(a.Risk(kT0 + kHour).tainted_factors, Factor::kEmailOtp));
  EXPECT_TRUE(Contains(a.Risk(kT0 + kHour).forbidden_destinations,
                       Destination::kEmailOnFile));
}

}  // namespace
}  // namespace riskd::scoring::test
