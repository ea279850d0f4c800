// State handoff between instances through the changelog (issue 9): a
// partition's state restored from the changelog into an empty state
// directory is exactly the original; an instance killed mid-stream hands
// its partitions to another, which restores them, never answers from state
// that is behind (503 until it has caught up), and ends bit-identical to an
// uninterrupted run.
#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "daemon/kafka/partitioner.h"
#include "riskd/v1/risk.pb.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;
constexpr const char* kToken = "handoff-support-token";

class HandoffTest : public IntegrationTest {
 protected:
  static RiskdConfig Config() {
    RiskdConfig config;
    config.decisions_format = "protobuf";  // compact: the mock keeps 5 MiB per partition
    config.kafka_properties["session.timeout.ms"] = "3000";
    config.extra_yaml = TokensYaml({{"support", "support", kToken}});
    return config;
  }

  static HttpResponse Risk(int port, const std::string& account, scoring::EpochMicros as_of) {
    return GetRisk(port, account, as_of, kToken);
  }

  static void Produce(TestProducer& producer, const std::vector<v1::AccountEvent>& events, const std::string& topic) {
    for (const auto& e : events) producer.Produce(topic, e.account_id(), ProtoValue(e));
  }

};

TEST_F(HandoffTest, RestoreIntoAnEmptyStateDirectoryReproducesTheOriginalExactly) {
  const double scale = TestScale();
  const auto stream = RandomStream(/*seed=*/11, std::max(1'000, static_cast<int>(6'000 * scale)),
                                   std::max(200, static_cast<int>(800 * scale)), BaseTime());
  auto a = NewRiskd("a", Config());
  a->Start();
  TestProducer producer(bootstrap(), {{"compression.type", "zstd"}});
  Produce(producer, stream, kInput);
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 180s)) << a->Stderr();
  ASSERT_EQ(a->Terminate(), 0) << a->Stderr();  // a clean leave publishes the changelog backlog

  // A second instance with an empty state directory takes over.
  auto b = NewRiskd("b", Config());
  b->Start();
  ASSERT_TRUE(WaitFor([&] { return Count(b->Stderr(), "partition restored") >= kPartitions; }, 180s)) << b->Stderr();
  ASSERT_TRUE(WaitReady(b->http_port(), 60s)) << b->Stderr();
  // Everything came from the changelog: no input event was applied again.
  const auto scrape = HttpRequest(b->metrics_port(), "GET", "/metrics");
  EXPECT_EQ(MetricSum(scrape.body, "riskd_events_total"), 0) << scrape.body;
  EXPECT_EQ(MetricSum(scrape.body, "riskd_event_duplicates_total"), 0);
  ASSERT_EQ(b->Terminate(), 0) << b->Stderr();

  const auto original = ReadStateDir(a->state_dir().string());
  const auto restored = ReadStateDir(b->state_dir().string());
  ASSERT_GT(original.accounts.size(), 100u);
  EXPECT_EQ(restored.accounts.size(), original.accounts.size());
  int differ = 0;
  for (const auto& [account, state] : original.accounts) {
    auto it = restored.accounts.find(account);
    if (it == restored.accounts.end() || !(it->second == state) ||
        restored.partition_of.at(account) != original.partition_of.at(account)) {
      ++differ;
    }
  }
  EXPECT_EQ(differ, 0) << "accounts whose restored state differs from the original";
  EXPECT_EQ(restored.offsets, original.offsets) << "input offsets come from the last offsets record";
}

// Issue 19: B takes over A's partitions while B's offset commits are slow
// (a busy instance always has one in flight). librdkafka starts a newly
// assigned partition's fetcher only once no commit is in flight, so the
// restores of A's partitions end before their fetchers start. They must
// then start at the restored offsets: nothing of A's input is read again.
// (Positioned by a seek after the restore, they started from the beginning
// and re-applied every event. Whether that happened here depended on the
// mock coordinator's rebalance rounds: about one run in two failed. The
// deterministic proof of the mechanism is KafkaTest's pair
// ASeekBeforeTheFetcherStarts… / ADeferredPartitionAssignedLater….)
TEST_F(HandoffTest, ARestoredPartitionStartsAtItsRestoredOffsetsWhileCommitsAreInFlight) {
  const double scale = TestScale();
  const int accounts = std::max(200, static_cast<int>(600 * scale));
  const auto first = RandomStream(/*seed=*/31, std::max(1'500, static_cast<int>(6'000 * scale)), accounts, BaseTime());
  auto a = NewRiskd("a", Config());
  auto b = NewRiskd("b", Config());
  a->Start();
  b->Start();
  ASSERT_TRUE(WaitFor([&] { return a->Stderr().find("partitions assigned") != std::string::npos &&
                                   b->Stderr().find("partitions assigned") != std::string::npos; },
                      60s));
  std::this_thread::sleep_for(3s);  // let the cooperative rebalance settle
  TestProducer producer(bootstrap(), {{"compression.type", "zstd"}});
  Produce(producer, first, kInput);
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 180s)) << a->Stderr() << b->Stderr();

  // Input keeps arriving for B's own partitions only (A's end exactly where
  // its changelog does), so B commits after every poll batch; and from now
  // on every OffsetCommit takes a second (the mock's stack of delayed
  // answers is kept topped up).
  const std::string serving_key = "\"serving\":\"";
  const std::string b_log = b->Stderr();
  const size_t at = b_log.rfind(serving_key);
  ASSERT_NE(at, std::string::npos) << b_log;
  const std::string b_serving = b_log.substr(at + serving_key.size(), b_log.find('"', at + serving_key.size()) -
                                                                          at - serving_key.size());
  std::set<int32_t> b_partitions;
  for (char c : b_serving) {
    if (c >= '0' && c <= '9') b_partitions.insert(c - '0');
  }
  ASSERT_FALSE(b_partitions.empty());
  ASSERT_LT(b_partitions.size(), static_cast<size_t>(kPartitions));
  const int a_partitions = kPartitions - static_cast<int>(b_partitions.size());
  std::vector<v1::AccountEvent> trickle;
  for (const auto& e : RandomStream(/*seed=*/32, 20'000, accounts, BaseTime() + scoring::kDay)) {
    if (b_partitions.count(kafka::PartitionForKey(kafka::Partitioner::kConsistentRandom, e.account_id(), kPartitions))) {
      trickle.push_back(e);
    }
  }
  constexpr int16_t kOffsetCommitApiKey = 8;
  auto* mock = cluster().mock();
  std::atomic<bool> stop{false};
  std::atomic<size_t> sent{0};
  std::thread busy([&] {
    TestProducer trickler(bootstrap());
    while (!stop && sent < trickle.size()) {
      size_t queued = 0;
      rd_kafka_mock_broker_error_stack_cnt(mock, /*broker_id=*/1, kOffsetCommitApiKey, &queued);
      for (; queued < 20; ++queued) {
        rd_kafka_mock_broker_push_request_error_rtts(mock, 1, kOffsetCommitApiKey, 1, RD_KAFKA_RESP_ERR_NO_ERROR,
                                                     1000);
      }
      const auto& e = trickle[sent];
      trickler.Produce(kInput, e.account_id(), ProtoValue(e));
      ++sent;
      std::this_thread::sleep_for(5ms);
    }
    trickler.Flush();
  });
  std::this_thread::sleep_for(2s);
  const std::optional<int> a_exit = a->Terminate();  // a clean leave publishes A's changelog first
  const bool restored = WaitFor([&] { return Count(b->Stderr(), "partition restored;") >= a_partitions; }, 120s);
  std::this_thread::sleep_for(2s);  // the restored partitions wait for a commit-free moment
  stop = true;
  busy.join();
  ASSERT_EQ(a_exit, std::optional<int>(0)) << a->Stderr();
  ASSERT_TRUE(restored) << b->Stderr();
  ASSERT_LT(sent.load(), trickle.size()) << "the trickle ended before the restores did";
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 180s)) << b->Stderr();

  const auto scrape = HttpRequest(b->metrics_port(), "GET", "/metrics");
  ASSERT_EQ(b->Terminate(), 0) << b->Stderr();
  TopicReader input(bootstrap(), kInput);
  ASSERT_TRUE(input.ReadUntil([&](const auto& m) { return m.size() >= first.size() + sent; }, 60s));

  // B consumed each message of its own partitions once, and none of A's:
  // A's partitions got no input after A's last changelog record. (The
  // streams repeat some event ids on purpose, so duplicates alone say
  // nothing; a re-read shows as messages consumed twice.)
  int64_t b_input = 0;
  for (const auto& m : input.messages()) b_input += b_partitions.count(m.partition);
  EXPECT_EQ(MetricSum(scrape.body, "riskd_events_total") + MetricSum(scrape.body, "riskd_events_rejected_total") +
                MetricSum(scrape.body, "riskd_event_duplicates_total"),
            b_input)
      << "B consumed input of A's restored partitions again";
  EXPECT_EQ(MetricSum(scrape.body, "riskd_restore_rewind_events_total"), 0) << "B's fetch position went back";
  const auto reference = ComputeReference(input.messages(), DefaultEngine(), WallNow());
  const auto stored = ReadStateDir(b->state_dir().string());
  ASSERT_EQ(stored.accounts.size(), reference.accounts.size());
  EXPECT_EQ(CountMismatches(stored, reference, DefaultEngine(), BaseTime() + 3 * scoring::kDay), 0)
      << "accounts whose state or score differs from an uninterrupted run";
}

TEST_F(HandoffTest, KilledInstancesPartitionsAreRestoredElsewhereNeverServedBehindAndEndBitIdentical) {
  const double scale = TestScale();
  const int accounts = std::max(200, static_cast<int>(600 * scale));
  const auto first = RandomStream(/*seed=*/21, std::max(1'500, static_cast<int>(8'000 * scale)), accounts, BaseTime());
  const auto second =
      RandomStream(/*seed=*/22, std::max(1'000, static_cast<int>(6'000 * scale)), accounts, BaseTime() + scoring::kDay);
  const scoring::EpochMicros as_of = BaseTime() + 3 * scoring::kDay;

  auto a = NewRiskd("a", Config());
  auto b = NewRiskd("b", Config());
  a->Start();
  b->Start();
  // Both own partitions before the stream starts.
  ASSERT_TRUE(WaitFor([&] { return a->Stderr().find("partitions assigned") != std::string::npos &&
                                   b->Stderr().find("partitions assigned") != std::string::npos; },
                      60s));
  std::this_thread::sleep_for(3s);  // let the cooperative rebalance settle

  TestProducer producer(bootstrap(), {{"compression.type", "zstd"}});
  Produce(producer, first, kInput);
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 180s)) << a->Stderr() << b->Stderr();

  // What A answers for the accounts it serves, just before it dies.
  std::set<std::string> all_accounts;
  for (const auto& e : first) all_accounts.insert(e.account_id());
  std::map<std::string, std::string> answered_by_a;
  for (const auto& account : all_accounts) {
    auto r = Risk(a->http_port(), account, as_of);
    if (r.status == 200) answered_by_a[account] = ScoreAndLevel(r.body);
    if (answered_by_a.size() >= 60) break;
  }
  ASSERT_GE(answered_by_a.size(), 10u) << "A serves none of the accounts";
  // Some of A's changelog is out, so B restores (and then catches up on
  // whatever A had not published yet).
  ASSERT_TRUE(WaitChangelogPublished(bootstrap(), kChangelog, kPartitions, 60s));
  a->Kill();

  // B takes A's partitions over. Until it has restored and caught up it
  // answers 503; once it answers, it answers what A answered.
  int unavailable = 0, wrong = 0;
  std::set<std::string> answered_by_b;
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& [account, expected] : answered_by_a) {
          if (answered_by_b.count(account)) continue;
          auto r = Risk(b->http_port(), account, as_of);
          if (r.status == 503) {
            ++unavailable;
          } else if (r.status == 200) {
            answered_by_b.insert(account);
            if (ScoreAndLevel(r.body) != expected) {
              ++wrong;
              ADD_FAILURE() << account << ": B answered " << ScoreAndLevel(r.body) << ", A had answered " << expected;
            }
          } else {
            ADD_FAILURE() << account << ": status " << r.status << " " << r.body;
          }
        }
        return answered_by_b.size() == answered_by_a.size();
      },
      180s))
      << b->Stderr();
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(unavailable, 0) << "B answered for A's partitions before restoring them";
  EXPECT_GE(Count(b->Stderr(), "partition restored"), 1) << b->Stderr();

  // The rest of the stream goes to B alone.
  Produce(producer, second, kInput);
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 180s)) << b->Stderr();
  ASSERT_EQ(b->Terminate(), 0) << b->Stderr();

  TopicReader input(bootstrap(), kInput);
  ASSERT_TRUE(input.ReadUntil([&](const auto& m) { return m.size() >= first.size() + second.size(); }, 60s));
  const auto reference = ComputeReference(input.messages(), DefaultEngine(), WallNow());
  const auto stored = ReadStateDir(b->state_dir().string());
  ASSERT_EQ(stored.accounts.size(), reference.accounts.size());
  EXPECT_EQ(CountMismatches(stored, reference, DefaultEngine(), as_of), 0)
      << "accounts whose state or score differs from an uninterrupted run";

  // No RiskUpdate lost: every one an uninterrupted run publishes is there.
  TopicReader decisions(bootstrap(), kDecisions);
  decisions.ReadUntil([](const auto&) { return false; }, 5s);
  std::set<std::pair<std::string, std::string>> published;
  for (const auto& m : decisions.messages()) {
    v1::RiskUpdate u;
    if (u.ParseFromString(m.value)) published.emplace(u.account_id(), u.trigger_event_id());
  }
  int missing = 0;
  for (const auto& u : reference.updates) missing += published.count(u) == 0;
  EXPECT_EQ(missing, 0) << "of " << reference.updates.size() << " expected RiskUpdates";
}

}  // namespace
}  // namespace riskd::it
