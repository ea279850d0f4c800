// Scale-out (issue 9): several riskd processes in one consumer group over a
// 12-partition input, each serving some partitions, any of them answering
// any account (forwarding to the partition's owner over HTTP), compared
// with a single riskd (its own group) consuming the same stream.
//
// All processes talk to the mock cluster hosted by this test process.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/kafka/partitioner.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kToken = "scale-out-support-token";

struct Answer {
  int status = 0;
  std::string body;
  std::string instance;  // Riskd-Instance
  std::string via;       // Riskd-Via (forwarded)
};

// The body without its configVersion: each process's effective config
// differs (ports, state dir, group), and so its configVersion.
std::string WithoutConfigVersion(std::string body) {
  const auto at = body.find(",\"configVersion\":\"");
  if (at == std::string::npos) return body;
  const auto end = body.find('"', at + 18);
  return body.erase(at, end + 1 - at);
}

class ScaleOutTest : public IntegrationTest {
 protected:
  static constexpr int kScalePartitions = 12;
  const std::string kScaleInput = "scale-events";

  void SetUp() override {
    IntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    for (const std::string& topic : {kScaleInput, kScaleInput + ".dlq", std::string("scale-decisions")}) {
      ASSERT_TRUE(cluster().CreateTopic(topic, kScalePartitions).ok());
    }
    // Each group's membership topic (<group>-members): one partition; its
    // changelog: co-partitioned with the input. (The mock has no CreateTopics.)
    for (const std::string group : {"scale", "single"}) {
      ASSERT_TRUE(cluster().CreateTopic(group + "-members", 1).ok());
      ASSERT_TRUE(cluster().CreateTopic(group + "-state-changelog", kScalePartitions).ok());
    }
  }

  RiskdConfig Config(const std::string& group) {
    RiskdConfig c;
    c.group_id = group;
    c.input_topic = kScaleInput;
    c.decisions_topic = "scale-decisions";
    c.kafka_properties = {{"session.timeout.ms", "10000"}, {"heartbeat.interval.ms", "1000"}};
    c.extra_yaml = TokensYaml({{"support", "support", kToken}});
    c.cluster_yaml = "  heartbeat_interval: 500ms\n  member_ttl: 3s\n";
    return c;
  }

  static Answer Risk(int port, const std::string& account, scoring::EpochMicros as_of) {
    HttpResponse r = GetRisk(port, account, as_of, kToken);
    return Answer{r.status, r.body, Header(r, "Riskd-Instance"), Header(r, "Riskd-Via")};
  }

  std::string Logs(const std::vector<RiskdProcess*>& ps) {
    std::string out;
    for (auto* p : ps) out += "--- " + p->dir().string() + "\n" + p->Stderr().substr(0, 20000);
    return out;
  }
};

TEST_F(ScaleOutTest, EveryInstanceAnswersEveryAccountAsASingleInstanceDoes) {
  const int events = static_cast<int>(50'000 * TestScale());
  const int accounts = static_cast<int>(3'000 * TestScale());
  auto single = NewRiskd("single", Config("single"));
  auto a = NewRiskd("a", Config("scale"));
  auto b = NewRiskd("b", Config("scale"));
  auto c = NewRiskd("c", Config("scale"));
  for (auto* p : {single.get(), a.get(), b.get(), c.get()}) p->Start();
  // The group settles first (three members joining at once can take a
  // rebalance or two on the mock cluster), so that this test checks
  // routing on a stable assignment; partitions moving mid-stream (restore
  // from the changelog) are handoff_it_test's subject.
  const std::vector<int> cluster_ports = {a->http_port(), b->http_port(), c->http_port()};
  ASSERT_TRUE(WaitAllServed(cluster_ports, OneAccountPerPartition(accounts, kScalePartitions), kToken, 120s))
      << Logs({a.get(), b.get(), c.get()});
  ASSERT_TRUE(WaitReady(single->http_port(), 60s)) << Logs({single.get()});

  TestProducer producer(bootstrap());
  for (const auto& e : RandomStream(/*seed=*/9, events, accounts, BaseTime())) {
    producer.Produce(kScaleInput, e.account_id(), JsonValue(e));
  }
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "single", kScaleInput, 300s)) << Logs({single.get()});
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "scale", kScaleInput, 300s)) << Logs({a.get(), b.get(), c.get()});
  ASSERT_TRUE(WaitAllServed(cluster_ports, OneAccountPerPartition(accounts, kScalePartitions), kToken, 60s))
      << Logs({a.get(), b.get(), c.get()});

  // Every account, through every instance, as of a fixed time after the
  // stream: the same answer as the single instance's (configVersion
  // aside), and the same bytes whichever instance was asked.
  const scoring::EpochMicros as_of = BaseTime() + 2 * scoring::kDay;
  std::map<std::string, int> answered_by;  // instance -> answers it gave
  int forwarded = 0, known = 0;
  for (int i = 0; i < accounts; ++i) {
    const std::string account = "acct-" + std::to_string(i);
    const Answer reference = Risk(single->http_port(), account, as_of);
    ASSERT_EQ(reference.status, 200) << account << " " << reference.body;
    known += reference.body.find("\"known\":true") != std::string::npos;
    std::string first_body, first_instance;
    for (int port : cluster_ports) {
      const Answer got = Risk(port, account, as_of);
      ASSERT_EQ(got.status, 200) << account << " via port " << port << ": " << got.body;
      EXPECT_EQ(WithoutConfigVersion(got.body), WithoutConfigVersion(reference.body)) << account;
      ASSERT_FALSE(got.instance.empty());
      if (first_body.empty()) {
        first_body = got.body;
        first_instance = got.instance;
      }
      EXPECT_EQ(got.body, first_body) << account << " differs between instances";
      EXPECT_EQ(got.instance, first_instance) << account << " answered by two owners";
      forwarded += !got.via.empty();
      ++answered_by[got.instance];
    }
  }
  EXPECT_GT(known, accounts / 2);
  // Each of the three owns some partitions; two in three answers travel.
  EXPECT_EQ(answered_by.size(), 3u);
  EXPECT_GT(forwarded, accounts);  // ~2 * accounts
  for (auto* p : {single.get(), a.get(), b.get(), c.get()}) EXPECT_EQ(p->Terminate(), 0);
}

}  // namespace
}  // namespace riskd::it
