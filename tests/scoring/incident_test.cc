// SPEC section 1 end to end: the hosting-provider incident, and its benign
// twin that must not get in the customer's way.
#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

EvaluateRequest SendCredentials(std::optional<Destination> to) {
  EvaluateRequest r;
  r.action = Action::kSendCredentials;
  r.channel = RequestChannel::kLiveChat;
  r.deliver_to = to;
  r.requester_authenticated = false;
  return r;
}

TEST(Incident, AttackerWithTheMailboxCannotGetCredentialsSentToIt) {
  Account a;
  a.Routine(kT0, 60, Home());  // 60 days of normal logins
  a.Apply(Reset("reset", kT0 + 1 * kHour, ResetChannel::kEmail,
                ResetStage::kCompleted, Stranger()));
  a.Apply(Login("attacker-login", kT0 + 2 * kHour, true, Stranger()));
  const EpochMicros chat = kT0 + 3 * kHour;
  a.Apply(Request("chat", chat, Action::kSendCredentials,
                  Destination::kEmailOnFile, false, Stranger()));

  const EvaluateResult r =
      a.Evaluate(SendCredentials(Destination::kEmailOnFile), chat);
  EXPECT_NE(r.decision, Decision::kAllow);
  EXPECT_EQ(r.decision, Decision::kDeny);
  EXPECT_TRUE(Contains(r.forbidden_destinations, Destination::kEmailOnFile));
  EXPECT_TRUE(Contains(r.forbidden_destinations, Destination::kNewEmail));
  for (Factor f : {Factor::kSupportPin, Factor::kEmailOtp, Factor::kEmailLink}) {
    EXPECT_FALSE(Contains(r.acceptable_factors, f)) << name(f);
    EXPECT_TRUE(Contains(r.report.tainted_factors, f)) << name(f);
  }
  EXPECT_EQ(r.report.level, Level::kCritical);
  EXPECT_GT(PointsOf(r.report, RuleId::kEmailResetThenSensitiveRequest), 0);
  EXPECT_GT(PointsOf(r.report, RuleId::kEmailResetThenUnfamiliarLogin), 0);

  // Even delivered elsewhere and asked again after the score has decayed to
  // HIGH, the tainted PIN and email factors are not acceptable.
  const EpochMicros later = chat + 72 * kHour;
  EXPECT_EQ(a.Risk(later).level, Level::kHigh);
  const EvaluateResult elsewhere =
      a.Evaluate(SendCredentials(Destination::kPhoneOnFile), later);
  EXPECT_EQ(elsewhere.decision, Decision::kStepUp);
  for (Factor f : {Factor::kSupportPin, Factor::kEmailOtp, Factor::kEmailLink}) {
    EXPECT_FALSE(Contains(elsewhere.acceptable_factors, f)) << name(f);
  }
  EXPECT_TRUE(Contains(elsewhere.acceptable_factors, Factor::kTotp));
  // The PIN the attacker read from the dashboard does not allow it either.
  a.Apply(Verify("pin", later, Factor::kSupportPin, true));
  EXPECT_EQ(a.Evaluate(SendCredentials(Destination::kPhoneOnFile), later)
                .decision,
            Decision::kStepUp);
}

TEST(Incident, BenignTwinStepsUpWithThePinThenIsAllowed) {
  Account a;
  a.Routine(kT0, 60, Home());
  a.Apply(Reset("own-reset", kT0 + kHour, ResetChannel::kEmail,
                ResetStage::kCompleted, Home()));
  a.Apply(Login("own-login", kT0 + 2 * kHour, true, Home()));
  const EpochMicros chat = kT0 + 14 * kDay;
  a.Apply(Request("chat", chat, Action::kSendCredentials,
                  Destination::kPhoneOnFile, false, Home()));

  const EvaluateResult r =
      a.Evaluate(SendCredentials(Destination::kPhoneOnFile), chat);
  EXPECT_EQ(r.decision, Decision::kStepUp);
  EXPECT_TRUE(Contains(r.acceptable_factors, Factor::kSupportPin));
  EXPECT_FALSE(Contains(r.acceptable_factors, Factor::kEmailOtp));
  EXPECT_LT(r.report.level, Level::kHigh);

  a.Apply(Verify("pin", chat + kMinute, Factor::kSupportPin, true));
  const EvaluateResult after =
      a.Evaluate(SendCredentials(Destination::kPhoneOnFile), chat + 2 * kMinute);
  EXPECT_EQ(after.decision, Decision::kAllow);
  // The mailbox stays off limits for the taint period even so.
  EXPECT_EQ(a.Evaluate(SendCredentials(Destination::kEmailOnFile),
                       chat + 2 * kMinute)
                .decision,
            Decision::kDeny);
}

}  // namespace
}  // namespace riskd::scoring::test
