// Crash safety: a long stream while riskd is SIGKILLed at random moments and
// restarted. The final state must be bit-identical to what an uninterrupted
// run computes, and every RiskUpdate it would publish must appear at least
// once on the decisions topic.
#include <atomic>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "riskd/v1/risk.pb.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

class CrashSafetyTest : public IntegrationTest {};

// Sum of the group's committed offsets: progress riskd has made durable.
int64_t Progress(const std::string& bootstrap) {
  int64_t sum = 0;
  for (const auto& [p, o] : GroupCommitted(bootstrap, "riskd", "account-events")) sum += o;
  return sum;
}

TEST_F(CrashSafetyTest, KilledRepeatedlyEndsBitIdenticalToAnUninterruptedRun) {
  const double scale = TestScale();
  const int events = std::max(5'000, static_cast<int>(100'000 * scale));
  const int accounts = std::max(300, static_cast<int>(4'000 * scale));
  const int kills = scale >= 1 ? 12 : 4;
  const auto stream = RandomStream(/*seed=*/7, events, accounts, BaseTime());

  RiskdConfig config;
  config.decisions_format = "protobuf";  // compact: the mock keeps 5 MiB per partition
  config.kafka_properties["session.timeout.ms"] = "3000";
  auto riskd = NewRiskd("riskd", config);
  riskd->Start();

  // Collect every RiskUpdate while the test runs (the mock keeps only the
  // newest messages of a partition, so read as they come).
  std::atomic<bool> done{false};
  std::set<std::pair<std::string, std::string>> published;
  std::thread collector([&] {
    TopicReader reader(bootstrap(), kDecisions);
    size_t seen = 0;
    while (!done) {
      reader.ReadUntil([&](const auto& m) { return m.size() > seen + 5000; }, std::chrono::milliseconds(500));
      for (; seen < reader.messages().size(); ++seen) {
        v1::RiskUpdate u;
        if (u.ParseFromString(reader.messages()[seen].value)) published.emplace(u.account_id(), u.trigger_event_id());
      }
    }
    reader.ReadUntil([](const auto&) { return false; }, std::chrono::seconds(3));
    for (; seen < reader.messages().size(); ++seen) {
      v1::RiskUpdate u;
      if (u.ParseFromString(reader.messages()[seen].value)) published.emplace(u.account_id(), u.trigger_event_id());
    }
  });

  TestProducer producer(bootstrap(), {{"compression.type", "zstd"}});
  std::mt19937 rng(42);
  const size_t chunk = stream.size() / (kills + 1) + 1;
  size_t next = 0;
  for (int k = 0; k <= kills; ++k) {
    for (size_t end = std::min(stream.size(), next + chunk); next < end; ++next) {
      producer.Produce(kInput, stream[next].account_id(), ProtoValue(stream[next]));
    }
    ASSERT_EQ(producer.Flush(), 0);
    if (k == kills) break;
    // Kill while it works: wait for durable progress since the restart, then
    // a random moment later.
    const int64_t before = Progress(bootstrap());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (Progress(bootstrap()) == before && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
    ASSERT_TRUE(riskd->Running()) << riskd->Stderr();
    riskd->Kill();
    riskd->Start();
  }
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, std::chrono::seconds(300))) << riskd->Stderr();
  EXPECT_EQ(riskd->Terminate(), 0);
  done = true;
  collector.join();

  // The reference: what one uninterrupted riskd computes from the same
  // partitions in the same order.
  TopicReader input(bootstrap(), kInput);
  ASSERT_TRUE(input.ReadUntil([&](const auto& m) { return m.size() >= stream.size(); }, std::chrono::seconds(60)));
  const auto reference = ComputeReference(input.messages(), DefaultEngine(), WallNow());
  const auto stored = ReadStateDir(riskd->state_dir().string());

  ASSERT_EQ(stored.accounts.size(), reference.accounts.size());
  const scoring::EpochMicros as_of = BaseTime() + 4 * scoring::kDay;
  EXPECT_EQ(CountMismatches(stored, reference, DefaultEngine(), as_of), 0)
      << "accounts whose state or score differs from an uninterrupted run";
  int missing = 0;
  for (const auto& u : reference.updates) missing += published.count(u) == 0;
  EXPECT_EQ(missing, 0) << "of " << reference.updates.size() << " expected RiskUpdates";
  EXPECT_GT(reference.updates.size(), 100u);
  EXPECT_EQ(stored.outbox_entries, 0u);
}

}  // namespace
}  // namespace riskd::it
