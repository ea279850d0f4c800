// The state byte budget (scoring/README.md "State byte budget"): the size
// bound, what is trimmed first, determinism, and the config checks.
#include "scoring/state_budget.h"

#include <gtest/gtest.h>

#include "tests/scoring/test_util.h"

namespace riskd::scoring {
namespace {

using test::Account;
using test::kT0;

Event FailedLogin(int i, EpochMicros at, std::size_t device_bytes) {
  Event e = test::Login("fail-" + std::to_string(i), at, false);
  e.device_id = std::string(device_bytes, static_cast<char>('a' + i % 26));
  e.network = NetworkKey("203.0.113." + std::to_string(i % 250));
  return e;
}

ScoringConfig WithBudget(std::int64_t bytes) {
  ScoringConfig c;
  c.max_state_bytes = bytes;
  return c;
}

TEST(StateBudgetTest, BoundIsAtLeastTheSerializedSizeAndCloseToIt) {
  Account a(WithBudget(kMaxStateBytes));
  a.Routine(kT0, 20, test::Home());
  a.Apply(test::Reset("r1", kT0, ResetChannel::kEmail));
  a.Apply(LabelEvent("label-1", kT0 + kMinute, Label::kCompromised, std::string(500, 'n')));
  for (int i = 0; i < 300; ++i) {
    a.Apply(FailedLogin(i, kT0 + 2 * kMinute + i * kSecond, 1 + i * 7 % 300));
    const std::size_t actual = a.state().Serialize().size();
    const std::size_t bound = SerializedSizeBound(a.state());
    ASSERT_GE(bound, actual) << "after event " << i;
    // Numbers are counted at 10 bytes; a varint time takes 8 or 9, an
    // empty interval 2 (about 400 bytes of fixed fields counted long).
    ASSERT_LE(bound, actual + actual / 4 + 512) << "after event " << i;
  }
}

// The oversized-state report: 600 failed logins with 4 KB device ids made a
// state larger than Kafka's message.max.bytes (1,000,000).
TEST(StateBudgetTest, AFloodOfFourKilobyteDeviceIdsStaysWithinTheBudget) {
  const ScoringConfig config;  // the default budget, 256 KiB
  Account a(config);
  bool fired = false;
  for (int i = 0; i < 600; ++i) {
    auto r = a.Apply(FailedLogin(i, kT0 + i * kSecond, 4096));
    fired = fired || test::FiringOf(r, RuleId::kFailedLoginBurst).has_value();
    ASSERT_LE(a.state().Serialize().size(), static_cast<std::size_t>(config.max_state_bytes)) << "event " << i;
  }
  EXPECT_TRUE(fired) << "trimming must not stop the burst rule";
  EXPECT_GT(test::PointsOf(a.Risk(kT0 + 600 * kSecond), RuleId::kFailedLoginBurst), 0);
  auto parsed = AccountState::Parse(a.state().Serialize());
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(*parsed, a.state());
  EXPECT_EQ(a.state().seen_ids.size(), 600u) << "sealing pending events early was enough: no id forgotten";
}

// Same history, same bits: whether the state lives across events with its
// view cached, is parsed from its bytes before every event, or is copied.
TEST(StateBudgetTest, TrimmingIsDeterministic) {
  const auto config = std::make_shared<const ScoringConfig>(WithBudget(kMinStateBytes));
  Engine engine(config);
  AccountState live, reparsed;
  for (int i = 0; i < 400; ++i) {
    Event e = FailedLogin(i, kT0 + (i * 37 % 400) * kSecond, 1000 + i % 50);  // out of order too
    if (i % 50 == 7) e = LabelEvent("label-" + std::to_string(i), e.occurred_at, Label::kLegitimate,
                                    std::string(1024, 'n'));
    engine.Apply(live, e);
    auto parsed = AccountState::Parse(reparsed.Serialize());
    ASSERT_TRUE(parsed.ok());
    reparsed = std::move(*parsed);
    engine.Apply(reparsed, e);
    ASSERT_EQ(live.Serialize(), reparsed.Serialize()) << "event " << i;
    ASSERT_LE(live.Serialize().size(), static_cast<std::size_t>(kMinStateBytes));
  }
  AccountState copy = live;  // a copy drops the view cache
  const Event last = FailedLogin(1000, kT0 + 500 * kSecond, 3000);
  engine.Apply(live, last);
  engine.Apply(copy, last);
  EXPECT_EQ(live.Serialize(), copy.Serialize());
}

// The order of README "State byte budget": label notes, then pending
// events, then remembered ids; taints, labels and rule memories stay.
TEST(StateBudgetTest, TrimsLabelNotesThenPendingEventsThenEventIds) {
  Account a(WithBudget(kMinStateBytes));
  a.Routine(kT0 - kDay, 5, test::Home());
  a.Apply(test::Reset("email-reset", kT0, ResetChannel::kEmail));
  // 40 labels with 1 KiB notes, sealed (behind the watermark) by the
  // logins that follow two hours later.
  for (int i = 0; i < 40; ++i) {
    a.Apply(LabelEvent("label-" + std::to_string(i), kT0 + kMinute + i * kSecond, Label::kCompromised,
                       std::string(1024, 'n')));
  }
  const std::size_t before = 5 + 1 + 40;  // event ids remembered before the flood
  int i = 0;
  auto apply_until = [&](auto done) {
    while (!done() && i < 6000) {
      a.Apply(FailedLogin(i, kT0 + 2 * kHour + i * kSecond, 256));
      ++i;
    }
    ASSERT_LT(i, 6000);
  };
  // 1. The first trim cuts the oldest label's note; nothing else goes.
  apply_until([&] { return !a.state().sealed.labels.empty() && a.state().sealed.labels.front().note.empty(); });
  EXPECT_EQ(a.state().sealed.labels.back().note.size(), 1024u) << "newest notes kept while the oldest suffice";
  EXPECT_EQ(a.state().pending.size(), static_cast<std::size_t>(i)) << "no pending event sealed early yet";
  EXPECT_EQ(a.state().seen_ids.size(), before + i) << "no event id forgotten yet";
  // 2. Then pending events are sealed early, once every note is gone.
  apply_until([&] { return a.state().pending.size() < static_cast<std::size_t>(i); });
  for (const auto& l : a.state().sealed.labels) EXPECT_TRUE(l.note.empty());
  EXPECT_EQ(a.state().sealed.labels.size(), 40u) << "labels themselves are kept";
  EXPECT_EQ(a.state().seen_ids.size(), before + i) << "no event id forgotten yet";
  // 3. Event ids go last, oldest first, when nothing else is left.
  apply_until([&] { return a.state().seen_ids.size() < before + i; });
  EXPECT_LE(a.state().pending.size(), 1u);
  EXPECT_LE(a.state().Serialize().size(), static_cast<std::size_t>(kMinStateBytes));

  // What decides answers stayed: the COMPROMISED pin, the email taint, the burst.
  const auto report = a.Risk(kT0 + 2 * kHour + i * kSecond);
  EXPECT_EQ(report.level, Level::kCritical);
  EXPECT_TRUE(test::Contains(report.tainted_factors, Factor::kEmailOtp));
  EXPECT_TRUE(test::Contains(report.forbidden_destinations, Destination::kEmailOnFile));
  EXPECT_GT(test::PointsOf(report, RuleId::kFailedLoginBurst), 0);
  EXPECT_TRUE(a.state().sealed.email_reset.has_value());
  EXPECT_EQ(a.state().sealed.familiar[static_cast<int>(ContextKind::kDevice)].size(), 1u);
}

TEST(StateBudgetTest, DefaultsLeaveRoomAndTheFloorFitsTheDefaultBudget) {
  const ScoringConfig defaults;
  EXPECT_EQ(defaults.max_state_bytes, 256 * 1024);
  EXPECT_LT(IrreducibleStateBytes(defaults), static_cast<std::uint64_t>(kMinStateBytes));
  EXPECT_TRUE(Validate(defaults).empty());
}

TEST(StateBudgetTest, ValidateBoundsTheBudget) {
  auto problems_of = [](ScoringConfig c) {
    std::vector<std::string> out;
    for (const auto& p : Validate(c)) out.push_back(p.path + ": " + p.message);
    return out;
  };
  EXPECT_EQ(problems_of(WithBudget(kMinStateBytes - 1)).size(), 1u);
  EXPECT_EQ(problems_of(WithBudget(kMaxStateBytes + 1)).size(), 1u);
  EXPECT_TRUE(problems_of(WithBudget(kMaxStateBytes)).empty());
  // Counts of 1000 keep up to 1000 marks and 1000 evidence ids per burst
  // rule: no budget under a Kafka message holds that.
  ScoringConfig big;
  for (RuleId r : {RuleId::kFailedLoginBurst, RuleId::kFailedVerificationBurst, RuleId::kResetBurst}) {
    big.rule(r).count = 1000;
  }
  big.max_state_bytes = kMaxStateBytes;
  auto problems = problems_of(big);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].find("scoring.max_state_bytes: must be at least"), std::string::npos) << problems[0];
}

TEST(StateBudgetTest, TheBudgetIsAKnob) {
  ScoringConfig c;
  bool found = false;
  for (const auto& [path, value] : DumpKnobs(c)) {
    if (path == "scoring.max_state_bytes") {
      found = true;
      EXPECT_EQ(value, "262144");
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace riskd::scoring
