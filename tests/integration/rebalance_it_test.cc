// Two riskd processes in one consumer group split the partitions and each
// holds exactly the accounts of its partitions. When one dies, the other is
// handed partitions whose state it lacks: it restores them from the
// changelog (never processing or serving them from empty state) and then
// processes the rest of the stream, ending with exactly the state of an
// uninterrupted run for every partition.
#include <thread>

#include <gtest/gtest.h>

#include "daemon/codec/json.h"
#include "riskd/v1/risk.pb.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

constexpr const char* kToken = "rebalance-support-token";

class RebalanceTest : public IntegrationTest {
 protected:
  static RiskdConfig WithToken() {
    RiskdConfig config;
    config.extra_yaml = TokensYaml({{"support-console", "support", kToken}});
    return config;
  }
};

bool Contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

// Over HTTP, every account is answered correctly by the instance that owns
// it: known, with the score and level an uninterrupted riskd computes from
// its events. An instance that does not own the account must not answer
// from empty state: it says 503 (not served here), or, if it forwards to
// the owner, gives the owner's correct answer. Returns, per instance, the
// accounts it answered correctly.
std::pair<std::set<std::string>, std::set<std::string>> CheckAnswersOverHttp(
    int port_a, int port_b, const std::map<std::string, scoring::AccountState>& expected, scoring::EpochMicros as_of,
    const scoring::Engine& engine) {
  std::set<std::string> answered_a, answered_b;
  const std::string as_of_text = Rfc3339(as_of);
  for (const auto& [account, state] : expected) {
    const auto want = engine.Risk(state, as_of);
    for (const int port : {port_a, port_b}) {
      auto r = HttpRequest(port, "GET", "/v1/accounts/" + account + "/risk?asOf=" + as_of_text, "",
                           {{"Authorization", std::string("Bearer ") + kToken}});
      if (r.status == 503) continue;  // not this instance's account
      EXPECT_EQ(r.status, 200) << account << " on port " << port << ": " << r.body;
      auto got = codec::FromJson<v1::RiskResponse>(r.body);
      EXPECT_TRUE(got.ok()) << r.body;
      if (r.status != 200 || !got.ok()) continue;
      EXPECT_TRUE(got->known()) << account << " on port " << port << " answered from empty state: " << r.body;
      EXPECT_DOUBLE_EQ(got->score(), want.score) << account << " on port " << port;
      EXPECT_EQ(static_cast<int>(got->level()), static_cast<int>(want.level) + 1) << account << " on port " << port;
      if (got->known() && got->score() == want.score) (port == port_a ? answered_a : answered_b).insert(account);
    }
  }
  return {answered_a, answered_b};
}

TEST_F(RebalanceTest, PartitionsSplitAndAnOrphanedPartitionIsRestoredFromTheChangelog) {
  auto a = NewRiskd("a", WithToken());
  auto b = NewRiskd("b", WithToken());
  a->Start();
  b->Start();
  // Both members hold partitions (cooperative-sticky moves some to the
  // second member without stopping the first).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!(Contains(a->Stderr(), "partitions assigned") && Contains(b->Stderr(), "partitions assigned")) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(Contains(b->Stderr(), "partitions assigned")) << a->Stderr() << b->Stderr();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let the rebalance settle

  TestProducer producer(bootstrap());
  const auto first = RandomStream(/*seed=*/3, 3'000, 300, BaseTime());
  for (const auto& e : first) producer.Produce(kInput, e.account_id(), JsonValue(e));
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, std::chrono::seconds(120))) << a->Stderr() << b->Stderr();

  // Both running: each answers over HTTP for the accounts it owns.
  const scoring::EpochMicros as_of = (WallNow() / scoring::kSecond) * scoring::kSecond;
  std::set<std::string> answered_a, answered_b;
  {
    TopicReader first_input(bootstrap(), kInput);
    ASSERT_TRUE(first_input.ReadUntil([&](const auto& m) { return m.size() >= first.size(); }, std::chrono::seconds(60)));
    const auto expected = ComputeReference(first_input.messages(), DefaultEngine(), WallNow());
    ASSERT_FALSE(expected.accounts.empty());
    std::tie(answered_a, answered_b) = CheckAnswersOverHttp(a->http_port(), b->http_port(), expected.accounts, as_of,
                                                               DefaultEngine());
    std::set<std::string> answered(answered_a);
    answered.insert(answered_b.begin(), answered_b.end());
    EXPECT_EQ(answered.size(), expected.accounts.size()) << "every account is answered by its owner";
    EXPECT_FALSE(answered_a.empty());
    EXPECT_FALSE(answered_b.empty()) << "both instances serve accounts";
  }

  // B's changelog is out (else A would rebuild B's partitions from the
  // input alone, correct too but not what this test is about).
  ASSERT_TRUE(WaitChangelogPublished(bootstrap(), kChangelog, kPartitions, std::chrono::seconds(60)));
  // B dies. A is handed B's partitions, whose state it lacks.
  b->Kill();
  std::set<int32_t> owned_b;
  for (const auto& [p, topics] : ReadStateDir(b->state_dir().string()).offsets) owned_b.insert(p);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const auto second = RandomStream(/*seed=*/4, 2'000, 300, BaseTime() + scoring::kDay);
  for (const auto& e : second) producer.Produce(kInput, e.account_id(), JsonValue(e));
  ASSERT_EQ(producer.Flush(), 0);
  const auto restore_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (!Contains(a->Stderr(), "partition restored") && std::chrono::steady_clock::now() < restore_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(Contains(a->Stderr(), "partition restored")) << a->Stderr();
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, std::chrono::seconds(120))) << a->Stderr();
  EXPECT_EQ(a->Terminate(), 0);

  const auto state_a = ReadStateDir(a->state_dir().string());
  const auto state_b = ReadStateDir(b->state_dir().string());
  ASSERT_FALSE(owned_b.empty()) << "the partitions were not split";
  for (int32_t p : owned_b) EXPECT_TRUE(state_a.offsets.count(p)) << "A did not take over B's partition " << p;

  // A now holds the whole stream for every partition; B the first part for
  // its own.
  TopicReader input(bootstrap(), kInput);
  ASSERT_TRUE(input.ReadUntil([&](const auto& m) { return m.size() >= first.size() + second.size(); },
                              std::chrono::seconds(60)));
  std::vector<kafka::ConsumedMessage> for_b;
  for (const auto& m : input.messages()) {
    if (owned_b.count(m.partition) && m.offset < state_b.offsets.at(m.partition).at(kInput)) for_b.push_back(m);
  }
  const auto ref_a = ComputeReference(input.messages(), DefaultEngine(), WallNow());
  const auto ref_b = ComputeReference(for_b, DefaultEngine(), WallNow());
  EXPECT_EQ(state_a.accounts.size(), ref_a.accounts.size());
  EXPECT_EQ(state_b.accounts.size(), ref_b.accounts.size());
  for (const auto& [account, expected] : ref_a.accounts) {
    ASSERT_TRUE(state_a.accounts.count(account)) << account;
    EXPECT_TRUE(state_a.accounts.at(account) == expected) << account;
  }
  for (const auto& [account, expected] : ref_b.accounts) {
    ASSERT_TRUE(state_b.accounts.count(account)) << account;
    EXPECT_TRUE(state_b.accounts.at(account) == expected) << account;
  }
}

}  // namespace
}  // namespace riskd::it
