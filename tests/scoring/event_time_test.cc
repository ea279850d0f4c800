// Event-time order, lateness, the pending buffer and duplicates (SPEC 2, 3;
// README "Event-time order", "Duplicates").
#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

TEST(EventTime, LateArrivingResetCompletesThePatternAtTheRequestsTime) {
  Account a;
  const ApplyResult req = a.Apply(Request("req", kT0 + 30 * kMinute,
                                          Action::kSendCredentials,
                                          Destination::kEmailOnFile, true));
  EXPECT_FALSE(FiringOf(req, RuleId::kEmailResetThenSensitiveRequest).has_value());
  const ApplyResult reset = a.Apply(Reset("reset", kT0));
  EXPECT_FALSE(reset.late);
  const auto f = FiringOf(reset, RuleId::kEmailResetThenSensitiveRequest);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->fired_at, kT0 + 30 * kMinute);
  EXPECT_EQ(f->event_ids, (std::vector<std::string>{"reset", "req"}));
  EXPECT_TRUE(reset.publish_update);
  // The report is as of the reset's own time: the firing is still ahead.
  EXPECT_EQ(reset.report.score, 0);
  EXPECT_EQ(a.Risk(kT0 + 30 * kMinute).score, 80);
}

TEST(EventTime, EventsBeyondTheLatenessAreAppliedAndFlaggedLate) {
  Account a;
  a.Apply(Login("newest", kT0 + 2 * kHour, true, Home()));
  a.Apply(Reset("reset", kT0 + 2 * kHour));
  const ApplyResult late = a.Apply(Change(
      "old-change", kT0 + kHour - 1, ChangeField::kMfa, ChangeOperation::kRemoved));
  EXPECT_TRUE(late.late);
  EXPECT_EQ(late.outcome, ApplyOutcome::kApplied);
  ASSERT_TRUE(FiringOf(late, RuleId::kMfaRemoved).has_value());
  // Outside order: the reset came later in event time, so no pairing.
  EXPECT_FALSE(FiringOf(late, RuleId::kRecoveryChangeAfterReset).has_value());
  EXPECT_FALSE(a.Apply(Login("on-time", kT0 + kHour, true, Home())).late);
}

TEST(EventTime, ExactlyAtTheLatenessIsStillInOrder) {
  Account a;
  a.Apply(Login("newest", kT0 + kHour, true));
  EXPECT_FALSE(a.Apply(Login("edge", kT0, true)).late);
  EXPECT_TRUE(a.Apply(Login("past", kT0 - 1, true)).late);
}

TEST(EventTime, PendingBufferIsCapped) {
  ScoringConfig config;
  config.max_pending_events = 4;
  Account a(config);
  for (int i = 0; i < 10; ++i) {
    a.Apply(Login("l" + std::to_string(i), kT0 + i * kSecond, false));
  }
  EXPECT_EQ(a.state().pending.size(), 4u);
  EXPECT_EQ(a.state().pending.front().id, "l6");
  // Nothing is lost by sealing early: the burst still counts all ten.
  EXPECT_EQ(PointsOf(a.Risk(kT0 + 9 * kSecond), RuleId::kFailedLoginBurst), 20);
}

TEST(EventTime, EqualTimesAreOrderedByEventId) {
  auto run = [](bool reversed) {
    Account a;
    Event x = Verify("b", kT0, Factor::kTotp, true);
    Event y = Change("a", kT0, ChangeField::kMfa, ChangeOperation::kRemoved);
    a.Apply(reversed ? y : x);
    a.Apply(reversed ? x : y);
    a.Apply(Login("later", kT0 + 2 * kHour, true));  // seals both
    return a.state().Serialize();
  };
  EXPECT_EQ(run(false), run(true));
}

TEST(EventTime, QuietEventPublishesNothing) {
  Account a;
  a.Routine(kT0, 5, Home());
  const ApplyResult r = a.Apply(Login("home", kT0, true, Home()));
  EXPECT_EQ(r.outcome, ApplyOutcome::kApplied);
  EXPECT_TRUE(r.new_firings.empty());
  EXPECT_FALSE(r.publish_update);
  EXPECT_TRUE(r.report.known);
  EXPECT_EQ(r.report.updated_at, kT0);
}

TEST(EventTime, LevelChangeAloneIsPublished) {
  Account a;
  a.Apply(Change("c1", kT0, ChangeField::kMfa, ChangeOperation::kRemoved));
  a.Apply(Request("q", kT0, Action::kChangePhone, {}, false));  // 30 + 25
  // A clearing fires nothing but changes the level.
  const ApplyResult cleared =
      a.Apply(Verify("v", kT0 + kMinute, Factor::kTotp, true));
  EXPECT_TRUE(cleared.new_firings.empty());
  EXPECT_EQ(cleared.previous_level, Level::kMedium);
  EXPECT_EQ(cleared.level, Level::kLow);
  EXPECT_TRUE(cleared.publish_update);
}

TEST(Duplicates, RepeatIsReportedAndChangesNothing) {
  Account a;
  a.Apply(Reset("reset", kT0));
  const Event req = Request("req", kT0 + kHour, Action::kSendCredentials,
                            Destination::kEmailOnFile, false);
  ASSERT_EQ(a.Apply(req).outcome, ApplyOutcome::kApplied);
  a.Apply(Login("later", kT0 + 5 * kHour, true));
  const std::string before = a.state().Serialize();
  const ApplyResult again = a.Apply(req);
  EXPECT_EQ(again.outcome, ApplyOutcome::kDuplicate);
  EXPECT_TRUE(again.new_firings.empty());
  EXPECT_FALSE(again.publish_update);
  EXPECT_EQ(a.state().Serialize(), before);
}

TEST(Duplicates, SameIdWithDifferentContentIsStillADuplicate) {
  Account a;
  a.Apply(Login("id-1", kT0, true));
  const std::string before = a.state().Serialize();
  EXPECT_EQ(a.Apply(Change("id-1", kT0, ChangeField::kMfa,
                           ChangeOperation::kRemoved))
                .outcome,
            ApplyOutcome::kDuplicate);
  EXPECT_EQ(a.state().Serialize(), before);
}

TEST(Duplicates, IdsAreRememberedForTheDuplicateWindow) {
  Account a;
  const Event first = Login("first", kT0, false);
  a.Apply(first);
  a.Apply(Login("week", kT0 + 7 * kDay, true));
  EXPECT_EQ(a.Apply(first).outcome, ApplyOutcome::kDuplicate);
  a.Apply(Login("week+", kT0 + 7 * kDay + 1, true));
  // Forgotten: older than the window behind the newest event.
  EXPECT_EQ(a.Apply(first).outcome, ApplyOutcome::kApplied);
}

TEST(Duplicates, RememberedIdsAreCapped) {
  ScoringConfig config;
  config.max_remembered_event_ids = 8;
  Account a(config);
  for (int i = 0; i < 20; ++i) {
    a.Apply(Login("l" + std::to_string(i), kT0 + i * kMinute, true));
  }
  EXPECT_EQ(a.state().seen_ids.size(), 8u);
  EXPECT_EQ(a.Apply(Login("l19", kT0, true)).outcome, ApplyOutcome::kDuplicate);
}

}  // namespace
}  // namespace riskd::scoring::test
