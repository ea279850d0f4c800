// riskctl generate: determinism, order, and labels that match the attacks
// actually injected.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "daemon/tools/event_file.h"
#include "daemon/tools/generate.h"
#include "labeled_stream.h"

namespace riskd::tools {
namespace {

using scoring::Event;
using scoring::EventKind;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

GenerateOptions Small(std::uint64_t seed, double rate = 0.3) {
  GenerateOptions o;
  o.seed = seed;
  o.accounts = 120;
  o.days = 8;
  o.attack_rate = rate;
  return o;
}

struct Generated {
  std::string events, labels;
  GenerateStats stats;
};

Generated GenerateTo(const GenerateOptions& o, const std::string& suffix) {
  Generated g{testing::TempPath(suffix), testing::TempPath(".csv"), {}};
  auto format = FormatForPath(g.events);
  auto stats = Generate(o, g.events, *format, g.labels);
  EXPECT_TRUE(stats.ok()) << stats.error().message;
  if (stats.ok()) g.stats = *stats;
  return g;
}

struct Seen {
  std::string account;
  Event event;
};

std::vector<Seen> ReadEvents(const std::string& path, StreamStats& stats) {
  std::vector<Seen> out;
  EXPECT_TRUE(ReadEventFile(path, stats, [&](std::string_view a, const Event& e) {
                out.push_back({std::string(a), e});
              }).ok());
  return out;
}

TEST(GenerateTest, SameSeedGivesIdenticalBytes) {
  for (const char* suffix : {".jsonl", ".pb"}) {
    const Generated a = GenerateTo(Small(42), suffix), b = GenerateTo(Small(42), suffix);
    EXPECT_EQ(ReadAll(a.events), ReadAll(b.events)) << suffix;
    EXPECT_EQ(ReadAll(a.labels), ReadAll(b.labels)) << suffix;
    EXPECT_GT(a.stats.events, 1000u);
  }
}

TEST(GenerateTest, DifferentSeedGivesDifferentTraffic) {
  const Generated a = GenerateTo(Small(42), ".pb"), b = GenerateTo(Small(43), ".pb");
  EXPECT_NE(ReadAll(a.events), ReadAll(b.events));
  EXPECT_NE(ReadAll(a.labels), ReadAll(b.labels));
}

TEST(GenerateTest, BothFormatsCarryTheSameEvents) {
  const Generated json = GenerateTo(Small(5), ".jsonl"), pb = GenerateTo(Small(5), ".pb");
  StreamStats js, ps;
  const auto a = ReadEvents(json.events, js), b = ReadEvents(pb.events, ps);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].account, b[i].account);
    ASSERT_EQ(a[i].event, b[i].event) << i;
  }
}

TEST(GenerateTest, EveryEventIsValidUniqueAndInEventTimeOrder) {
  const Generated g = GenerateTo(Small(7), ".jsonl");
  StreamStats stats;
  const auto events = ReadEvents(g.events, stats);
  EXPECT_EQ(stats.records, g.stats.events);
  EXPECT_TRUE(stats.rejected.empty());
  std::set<std::string> ids;
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_TRUE(ids.insert(events[i].event.id).second) << events[i].event.id;
    if (i > 0) {
      ASSERT_LE(events[i - 1].event.occurred_at, events[i].event.occurred_at) << i;
    }
    EXPECT_GE(events[i].event.occurred_at, Small(7).start);
    EXPECT_LT(events[i].event.occurred_at, Small(7).start + 8 * scoring::kDay);
  }
}

// With the same seed, the attack rate changes only which accounts are
// attacked: the difference between a stream with attacks and one without is
// exactly the injected attacks, which the labels must describe.
TEST(GenerateTest, LabelsDescribeTheInjectedAttacks) {
  const GenerateOptions with = Small(11, 0.4);
  const Generated attacked = GenerateTo(with, ".pb");
  const Generated clean = GenerateTo(Small(11, 0.0), ".pb");
  StreamStats s1, s2;
  const auto all = ReadEvents(attacked.events, s1);
  const auto benign = ReadEvents(clean.events, s2);
  std::set<std::string> benign_ids;
  for (const Seen& e : benign) benign_ids.insert(e.event.id);
  std::map<std::string, std::vector<Event>> injected;  // by account
  std::size_t kept = 0;
  for (const Seen& e : all) {
    if (benign_ids.count(e.event.id) != 0) {
      ++kept;
    } else {
      injected[e.account].push_back(e.event);
    }
  }
  EXPECT_EQ(kept, benign.size());  // attacks add events, never replace them

  auto labels = ReadLabels(attacked.labels);
  ASSERT_TRUE(labels.ok()) << labels.error().message;
  ASSERT_EQ(labels->size(), with.accounts);
  std::uint32_t n_attacked = 0;
  for (const LabelRow& row : *labels) {
    const auto it = injected.find(row.account);
    if (!row.attacked) {
      EXPECT_TRUE(it == injected.end()) << row.account << " is labelled benign";
      continue;
    }
    ++n_attacked;
    ASSERT_TRUE(it != injected.end()) << row.account << " labelled attacked, no attack events";
    const std::vector<Event>& evs = it->second;
    bool at_start = false;
    int failed_logins = 0, successes = 0, sensitive_requests = 0, changes = 0, resets = 0;
    for (const Event& e : evs) {
      at_start |= e.occurred_at == row.attack_start;
      // Only the impossible-travel story has an earlier event (the victim's
      // own login, at most 90 minutes before).
      EXPECT_GE(e.occurred_at, row.attack_start - 90 * scoring::kMinute) << row.account;
      if (e.kind == EventKind::kLogin) ++(e.success ? successes : failed_logins);
      if (e.kind == EventKind::kSupportRequest && scoring::IsSensitive(e.action)) ++sensitive_requests;
      if (e.kind == EventKind::kAccountChange) ++changes;
      if (e.kind == EventKind::kPasswordReset) ++resets;
    }
    EXPECT_TRUE(at_start) << row.account << " has no event at its attack start";
    const auto kind = AttackKindFromName(row.attack_kind);
    ASSERT_TRUE(kind.has_value()) << row.attack_kind;
    switch (*kind) {
      case AttackKind::kMailboxTakeoverCredentials:
        EXPECT_EQ(sensitive_requests, 1) << row.account;
        EXPECT_GE(resets, 2);
        break;
      case AttackKind::kResetTakeover:
      case AttackKind::kMfaEnrolment:
        EXPECT_GE(resets, 2) << row.account;
        EXPECT_GE(successes, 1);
        break;
      case AttackKind::kCredentialStuffing:
        EXPECT_GE(failed_logins, 4) << row.account;
        break;
      case AttackKind::kPhoneChangeSmsReset:
        EXPECT_GE(changes, 1) << row.account;
        EXPECT_GE(resets, 2);
        break;
      case AttackKind::kImpossibleTravel:
        EXPECT_GE(successes, 2) << row.account;
        break;
    }
  }
  EXPECT_EQ(n_attacked, attacked.stats.attacked_accounts);
  // 40% of 120 accounts, give or take what chance does.
  EXPECT_GT(n_attacked, 30u);
  EXPECT_LT(n_attacked, 70u);
}

TEST(GenerateTest, RejectsImpossibleOptionsAllAtOnce) {
  GenerateOptions o;
  o.accounts = 0;
  o.days = 0;
  o.attack_rate = 1.5;
  const std::string problems = CheckGenerateOptions(o);
  EXPECT_NE(problems.find("--accounts"), std::string::npos);
  EXPECT_NE(problems.find("--days"), std::string::npos);
  EXPECT_NE(problems.find("--attack-rate"), std::string::npos);
  EXPECT_TRUE(CheckGenerateOptions(GenerateOptions{}).empty());
}

}  // namespace
}  // namespace riskd::tools
