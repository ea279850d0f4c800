// The broker goes away mid-stream and comes back: riskd keeps running,
// resumes on its own and loses nothing.
#include <thread>

#include <gtest/gtest.h>

#include "daemon/codec/json.h"
#include "riskd/v1/risk.pb.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

class BrokerOutageTest : public IntegrationTest {};

TEST_F(BrokerOutageTest, ResumesAfterTheBrokerComesBackAndLosesNothing) {
  const int events = std::max(2'000, static_cast<int>(20'000 * TestScale()));
  const auto stream = RandomStream(/*seed=*/11, events, 500, BaseTime());
  auto riskd = NewRiskd("riskd");
  riskd->Start();
  TestProducer producer(bootstrap());
  const size_t half = stream.size() / 2;
  for (size_t i = 0; i < half; ++i) producer.Produce(kInput, stream[i].account_id(), JsonValue(stream[i]));
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, std::chrono::seconds(120))) << riskd->Stderr();

  ASSERT_TRUE(cluster().SetBrokerDown(1).ok());
  // The test's producer queues the second half while the broker is away.
  for (size_t i = half; i < stream.size(); ++i) producer.Produce(kInput, stream[i].account_id(), JsonValue(stream[i]));
  std::this_thread::sleep_for(std::chrono::seconds(6));
  EXPECT_TRUE(riskd->Running()) << "a broker outage must not stop the daemon";
  ASSERT_TRUE(cluster().SetBrokerUp(1).ok());
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, std::chrono::seconds(120))) << riskd->Stderr();

  // Every RiskUpdate, including those produced while the broker was away.
  TopicReader input(bootstrap(), kInput);
  ASSERT_TRUE(input.ReadUntil([&](const auto& m) { return m.size() >= stream.size(); }, std::chrono::seconds(60)));
  const auto reference = ComputeReference(input.messages(), DefaultEngine(), WallNow());
  TopicReader decisions(bootstrap(), kDecisions);
  std::set<std::pair<std::string, std::string>> published;
  size_t parsed = 0;
  decisions.ReadUntil(
      [&](const auto& messages) {
        for (; parsed < messages.size(); ++parsed) {
          auto u = codec::FromJson<v1::RiskUpdate>(messages[parsed].value);
          if (u.ok()) published.emplace(u->account_id(), u->trigger_event_id());
        }
        return published.size() >= reference.updates.size();
      },
      std::chrono::seconds(60));
  int missing = 0;
  for (const auto& u : reference.updates) missing += published.count(u) == 0;
  EXPECT_EQ(missing, 0) << "of " << reference.updates.size() << " RiskUpdates";

  EXPECT_EQ(riskd->Terminate(), 0);
  const auto stored = ReadStateDir(riskd->state_dir().string());
  ASSERT_EQ(stored.accounts.size(), reference.accounts.size());
  EXPECT_EQ(CountMismatches(stored, reference, DefaultEngine(), WallNow()), 0);
}

}  // namespace
}  // namespace riskd::it
