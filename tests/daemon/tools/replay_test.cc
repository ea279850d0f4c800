// Replay figures on the hand-built labelled stream of labeled_stream.h,
// whose right answers are worked out there.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "daemon/codec/event_decoder.h"
#include "daemon/tools/backtest.h"
#include "daemon/tools/event_file.h"
#include "daemon/tools/record_io.h"
#include "daemon/tools/replay_output.h"
#include "labeled_stream.h"

namespace riskd::tools {
namespace {

using scoring::Level;
using scoring::RuleId;
using testing::kT0;

std::shared_ptr<const scoring::ScoringConfig> Defaults() {
  return std::make_shared<const scoring::ScoringConfig>();
}

class ReplayTest : public ::testing::TestWithParam<const char*> {
 protected:
  ReplayResult Run(std::vector<std::shared_ptr<const scoring::ScoringConfig>> configs) {
    const std::string events = testing::TempPath(GetParam());
    const std::string labels = testing::TempPath(".csv");
    testing::WriteLabeledStream(events, labels);
    auto rows = ReadLabels(labels);
    EXPECT_TRUE(rows.ok()) << rows.error().message;
    auto result = ReplayFile(events, std::move(configs), *rows, true);
    EXPECT_TRUE(result.ok()) << result.error().message;
    std::remove(events.c_str());
    std::remove(labels.c_str());
    return std::move(*result);
  }
};

std::uint32_t Index(const ReplayResult& r, const std::string& account) {
  for (std::size_t i = 0; i < r.account_names.size(); ++i) {
    if (r.account_names[i] == account) return static_cast<std::uint32_t>(i);
  }
  ADD_FAILURE() << account << " not in the replay";
  return 0;
}

TEST_P(ReplayTest, ReadsEveryEventOfTheStream) {
  const ReplayResult r = Run({Defaults()});
  EXPECT_EQ(r.stream.records, testing::LabeledStreamEvents().size());
  EXPECT_EQ(r.stream.applied, r.stream.records);
  EXPECT_TRUE(r.stream.rejected.empty());
  EXPECT_EQ(r.stream.out_of_order, 0u);
  EXPECT_EQ(r.account_names.size(), 7u);
}

TEST_P(ReplayTest, PrecisionRecallAndF1AtEachLevelAreExact) {
  const ReplayResult r = Run({Defaults()});
  const ArmResult& arm = r.arms[0];
  const Confusion medium = ConfusionAt(r, arm, 30);
  EXPECT_EQ(medium.tp, 2u);
  EXPECT_EQ(medium.fp, 3u);
  EXPECT_EQ(medium.fn, 2u);
  EXPECT_EQ(medium.tn, 1u);
  EXPECT_DOUBLE_EQ(*medium.precision(), 0.4);
  EXPECT_DOUBLE_EQ(*medium.recall(), 0.5);
  EXPECT_DOUBLE_EQ(*medium.f1(), 2 * 0.4 * 0.5 / 0.9);

  const Confusion high = ConfusionAt(r, arm, 60);
  EXPECT_EQ(high.tp, 1u);
  EXPECT_EQ(high.fp, 1u);
  EXPECT_EQ(high.fn, 3u);
  EXPECT_EQ(high.tn, 2u);
  EXPECT_DOUBLE_EQ(*high.precision(), 0.5);
  EXPECT_DOUBLE_EQ(*high.recall(), 0.25);
  EXPECT_DOUBLE_EQ(*high.f1(), 1.0 / 3);

  const Confusion critical = ConfusionAt(r, arm, 85);
  EXPECT_EQ(critical.tp, 1u);
  EXPECT_EQ(critical.fp, 0u);
  EXPECT_DOUBLE_EQ(*critical.precision(), 1.0);
  EXPECT_DOUBLE_EQ(*critical.recall(), 0.25);
}

TEST_P(ReplayTest, PeakScoresAreTheSumsOfTheRulesThatFired) {
  const ReplayResult r = Run({Defaults()});
  const auto& acc = r.arms[0].accounts;
  EXPECT_DOUBLE_EQ(acc[Index(r, "acct-a1")].peak_since, 100);
  EXPECT_NEAR(acc[Index(r, "acct-a2")].peak_since, 55, 0.01);
  EXPECT_DOUBLE_EQ(acc[Index(r, "acct-a3")].peak_since, 20);
  EXPECT_NEAR(acc[Index(r, "acct-a4")].peak_before, 35, 0.01);
  // The burst's 20 plus what is left of the trip's 35, fired at T0-20d+1h,
  // at the burst's 10th failure (T0+3h+3m), with the 72h half-life.
  const double gap_hours = 20 * 24 + 2 + 3.0 / 60;
  EXPECT_NEAR(acc[Index(r, "acct-a4")].peak_since, 20 + 35 * std::exp2(-gap_hours / 72), 1e-9);
  EXPECT_NEAR(acc[Index(r, "acct-b1")].peak_before, 80, 0.01);
  EXPECT_DOUBLE_EQ(acc[Index(r, "acct-b2")].peak_before, 0);
  EXPECT_NEAR(acc[Index(r, "acct-b3")].peak_before, 35, 0.01);
}

TEST_P(ReplayTest, PerKindFiguresCountEachKindAgainstAllBenignAccounts) {
  const ReplayResult r = Run({Defaults()});
  EXPECT_EQ(AttackKinds(r), (std::vector<std::string>{"stuffing", "takeover"}));
  const Confusion takeover = ConfusionAt(r, r.arms[0], 60, "takeover");
  EXPECT_EQ(takeover.tp, 1u);
  EXPECT_EQ(takeover.fn, 1u);
  EXPECT_EQ(takeover.fp, 1u);  // b1
  EXPECT_EQ(takeover.tn, 2u);  // b2, b3
  const Confusion stuffing = ConfusionAt(r, r.arms[0], 30, "stuffing");
  EXPECT_EQ(stuffing.tp, 0u);
  EXPECT_EQ(stuffing.fn, 2u);
  EXPECT_EQ(stuffing.fp, 3u);  // b1, b3, and a4 before its attack
  EXPECT_DOUBLE_EQ(*stuffing.recall(), 0);
}

TEST_P(ReplayTest, CountsFiringsPerRule) {
  const ReplayResult r = Run({Defaults()});
  const auto& rules = r.arms[0].rules;
  auto live = [&](RuleId id) { return rules[static_cast<int>(id)].live_firings; };
  auto accounts = [&](RuleId id) { return rules[static_cast<int>(id)].accounts; };
  EXPECT_EQ(live(RuleId::kEmailResetThenSensitiveRequest), 2u);  // a1, b1
  EXPECT_EQ(rules[static_cast<int>(RuleId::kEmailResetThenSensitiveRequest)].attacked_accounts, 1u);
  EXPECT_EQ(live(RuleId::kEmailResetThenUnfamiliarLogin), 2u);   // a1, a2
  EXPECT_EQ(live(RuleId::kUnfamiliarContext), 6u);  // a1: 2 resets, login, request; a2: 2
  EXPECT_EQ(accounts(RuleId::kUnfamiliarContext), 2u);
  EXPECT_EQ(live(RuleId::kUnauthenticatedSensitiveRequest), 1u);  // a1
  EXPECT_EQ(live(RuleId::kFailedLoginBurst), 2u);                  // a3, a4
  EXPECT_EQ(live(RuleId::kImpossibleTravel), 2u);                  // a4, b3
  EXPECT_EQ(live(RuleId::kRecoveryChangeAfterReset), 0u);
  EXPECT_EQ(live(RuleId::kResetBurst), 0u);
  for (const RuleStats& s : rules) EXPECT_EQ(s.shadow_firings, 0u);
}

TEST_P(ReplayTest, ShadowRulesAreCountedButNotScored) {
  auto config = std::make_shared<scoring::ScoringConfig>();
  config->rule(RuleId::kImpossibleTravel).shadow = true;
  const ReplayResult r = Run({config});
  const RuleStats& travel = r.arms[0].rules[static_cast<int>(RuleId::kImpossibleTravel)];
  EXPECT_EQ(travel.shadow_firings, 2u);
  EXPECT_EQ(travel.live_firings, 0u);
  EXPECT_DOUBLE_EQ(r.arms[0].accounts[Index(r, "acct-b3")].peak_before, 0);
  // b3 and a4's past no longer flag at MEDIUM: precision 2/3.
  EXPECT_DOUBLE_EQ(*ConfusionAt(r, r.arms[0], 30).precision(), 2.0 / 3);
}

TEST_P(ReplayTest, DecidesEachSensitiveRequestAsOfItsTime) {
  const ReplayResult r = Run({Defaults()});
  ASSERT_EQ(r.requests.size(), 3u);  // b3, a1, b1 in event order
  EXPECT_EQ(r.account_names[r.requests[0].account], "acct-b3");
  EXPECT_EQ(r.arms[0].requests[0].decision, scoring::Decision::kStepUp);
  EXPECT_EQ(r.arms[0].requests[0].level, Level::kMedium);
  EXPECT_FALSE(r.requests[0].during_attack);
  EXPECT_EQ(r.account_names[r.requests[1].account], "acct-a1");
  EXPECT_EQ(r.arms[0].requests[1].decision, scoring::Decision::kDeny);
  EXPECT_EQ(r.arms[0].requests[1].level, Level::kCritical);
  EXPECT_TRUE(r.requests[1].during_attack);
  EXPECT_EQ(r.requests[1].deliver_to, scoring::Destination::kEmailOnFile);
  // b1 asks for delivery to a mailbox reset by email: forbidden, DENY.
  EXPECT_EQ(r.arms[0].requests[2].decision, scoring::Decision::kDeny);
  EXPECT_EQ(r.arms[0].requests[2].level, Level::kHigh);
  const DecisionTable t = Decisions(r, r.arms[0]);
  EXPECT_EQ(t.during_attack[static_cast<int>(scoring::Action::kSendCredentials)]
                           [static_cast<int>(scoring::Decision::kDeny)], 1u);
}

TEST_P(ReplayTest, MeasuresTimeFromAttackStartToFirstHigh) {
  const ReplayResult r = Run({Defaults()});
  const TimeToHigh takeover = TimeToFirstHigh(r, r.arms[0], "takeover");
  EXPECT_EQ(takeover.attacked, 2u);
  EXPECT_EQ(takeover.reached, 1u);
  EXPECT_EQ(takeover.median, 20 * scoring::kMinute);
  EXPECT_EQ(takeover.max, 20 * scoring::kMinute);
  EXPECT_EQ(TimeToFirstHigh(r, r.arms[0], "stuffing").reached, 0u);
}

TEST_P(ReplayTest, LevelSnapshotsCoverEverySeenAccount) {
  const ReplayResult r = Run({Defaults()});
  const auto& levels = r.arms[0].levels;
  ASSERT_FALSE(levels.empty());
  // Daily buckets from the first event's day to the last one's.
  EXPECT_EQ(levels.front().at, (kT0 - 21 * scoring::kDay) / scoring::kDay * scoring::kDay + scoring::kDay);
  EXPECT_EQ(levels.back().at, kT0 / scoring::kDay * scoring::kDay + scoring::kDay);
  std::uint32_t total = 0;
  for (auto n : levels.back().accounts) total += n;
  EXPECT_EQ(total, 7u);
  // At the end of T0's day a1 is CRITICAL (100 decayed by < 12h), b1 HIGH.
  EXPECT_EQ(levels.back().accounts[static_cast<int>(Level::kCritical)], 1u);
  EXPECT_EQ(levels.back().accounts[static_cast<int>(Level::kHigh)], 1u);
  // The bucket after b3's trip holds it at MEDIUM (35 minus under a day of decay).
  bool saw_b3 = false;
  for (const LevelBucket& b : levels) {
    if (b.at == (kT0 - 2 * scoring::kDay) / scoring::kDay * scoring::kDay + scoring::kDay) {
      saw_b3 = b.accounts[static_cast<int>(Level::kMedium)] == 1;
    }
  }
  EXPECT_TRUE(saw_b3);
}

TEST_P(ReplayTest, TextAndJsonOutputsCarryTheFigures) {
  const ReplayResult r = Run({Defaults()});
  const std::string text = FormatReplayText(r, {"default.yaml", "", "v-a", ""}, std::nullopt);
  EXPECT_NE(text.find("MEDIUM"), std::string::npos);
  EXPECT_NE(text.find("0.400"), std::string::npos);  // precision at MEDIUM
  EXPECT_NE(text.find("failed_login_burst"), std::string::npos);
  const std::string json = FormatReplayJson(r, {"default.yaml", "", "v-a", ""}, std::nullopt);
  EXPECT_NE(json.find("\"precision\":0.4,"), std::string::npos);
  EXPECT_NE(json.find("\"decision\":\"DENY\""), std::string::npos);
  EXPECT_EQ(json.back(), '\n');
}

INSTANTIATE_TEST_SUITE_P(BothFormats, ReplayTest, ::testing::Values(".jsonl", ".pb"),
                         [](const auto& info) { return std::string(info.param + 1); });

TEST(ReplayFileTest, CountsRejectedRecordsAndDuplicatesLikeTheDaemon) {
  const std::string path = testing::TempPath(".jsonl");
  {
    std::ofstream out(path);
    out << R"({"eventId":"x1","accountId":"acct-1","occurredAt":"2026-11-01T00:00:00Z","login":{"result":"SUCCESS"}})" "\n";
    out << R"({"eventId":"x1","accountId":"acct-1","occurredAt":"2026-11-01T00:00:00Z","login":{"result":"SUCCESS"}})" "\n";
    out << "\n";
    out << R"({"eventId":"x2","accountId":"acct-1","occurredAt":"2026-11-01T00:00:01Z"})" "\n";
    out << R"({"eventId":"x3","occurredAt":"2026-11-01T00:00:02Z","login":{"result":"SUCCESS"}})" "\n";
  }
  auto r = ReplayFile(path, {Defaults()}, {}, false);
  std::remove(path.c_str());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->stream.records, 4u);  // the blank line is not a record
  EXPECT_EQ(r->stream.applied, 1u);
  EXPECT_EQ(r->stream.duplicates, 1u);
  EXPECT_EQ(r->stream.rejected.at("missing_field"), 1u);
  EXPECT_EQ(r->stream.rejected.at("payload_count"), 1u);
}

}  // namespace
}  // namespace riskd::tools

namespace riskd::tools {
namespace {

// Binary records take a fast path (event_file.cc); records it does not
// accept must be rejected for exactly the reason the daemon's decoder gives.
TEST(ReplayFileTest, BinaryFastPathRejectsLikeTheDecoder) {
  std::vector<riskd::v1::AccountEvent> events;
  auto base = [&](const char* id) {
    riskd::v1::AccountEvent e;
    e.set_event_id(id);
    e.set_account_id("acct-1");
    e.mutable_occurred_at()->set_seconds(1'793'491'200);
    return e;
  };
  auto set_enum = [](google::protobuf::Message* m, const char* field, int value) {
    m->GetReflection()->SetEnumValue(m, m->GetDescriptor()->FindFieldByName(field), value);
  };
  riskd::v1::AccountEvent ok = base("ok");
  ok.mutable_login()->set_result(riskd::v1::Login::SUCCESS);
  events.push_back(ok);
  riskd::v1::AccountEvent method = base("bad-method");
  method.mutable_login()->set_result(riskd::v1::Login::SUCCESS);
  set_enum(method.mutable_login(), "method", 9);
  events.push_back(method);
  riskd::v1::AccountEvent actor = base("bad-actor");
  actor.mutable_account_change()->set_field(riskd::v1::AccountChange::EMAIL);
  actor.mutable_account_change()->set_operation(riskd::v1::AccountChange::CHANGED);
  set_enum(actor.mutable_account_change(), "actor", 42);
  events.push_back(actor);
  riskd::v1::AccountEvent latitude = base("bad-latitude");
  latitude.mutable_login()->set_result(riskd::v1::Login::SUCCESS);
  latitude.mutable_context()->set_latitude(91);
  events.push_back(latitude);
  riskd::v1::AccountEvent two = base("two-payloads");
  two.mutable_login()->set_result(riskd::v1::Login::SUCCESS);
  two.mutable_verification()->set_method(riskd::v1::TOTP);
  two.mutable_verification()->set_result(riskd::v1::Verification::PASSED);
  events.push_back(two);

  const std::string path = testing::TempPath(".pb");
  {
    auto writer = RecordWriter::Open(path, RecordFormat::kDelimitedProto);
    for (const auto& e : events) (*writer)->Write(e.SerializeAsString());
    (*writer)->Write("\x0a\xff");  // field 1, a length running past the end
    ASSERT_TRUE((*writer)->Close().ok());
  }
  StreamStats stats;
  std::vector<std::string> accepted;
  ASSERT_TRUE(ReadEventFile(path, stats, [&](std::string_view, const scoring::Event& e) {
                accepted.push_back(e.id);
              }).ok());
  std::remove(path.c_str());
  EXPECT_EQ(accepted, std::vector<std::string>{"ok"});
  for (std::size_t i = 1; i < events.size(); ++i) {
    const std::string bytes = events[i].SerializeAsString();
    auto verdict = codec::DecodeEvent({bytes, std::nullopt, "application/x-protobuf"}, 0);
    ASSERT_FALSE(verdict.ok()) << events[i].event_id();
  }
  EXPECT_EQ(stats.rejected["unknown_enum"], 2u);
  EXPECT_EQ(stats.rejected["invalid_field"], 1u);
  EXPECT_EQ(stats.rejected["payload_count"], 1u);
  EXPECT_EQ(stats.rejected["malformed"], 1u);
}

}  // namespace
}  // namespace riskd::tools
