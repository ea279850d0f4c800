// Standby replicas (kafka.standby_replicas, issue 9): with one standby, an
// instance follows the changelog of the partitions the other instance owns,
// so when that one is SIGKILLed the survivor takes its partitions over
// after reading a handful of changelog records instead of all of them; the
// final state is bit-identical to an uninterrupted run. Without a standby
// (the control) the survivor reads the dead instance's partitions whole.
#include <functional>
#include <set>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "riskd/v1/risk.pb.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;
constexpr const char* kToken = "standby-support-token";

class StandbyTest : public IntegrationTest, public ::testing::WithParamInterface<int> {
 protected:
  static RiskdConfig Config(int standby_replicas) {
    RiskdConfig config;
    config.decisions_format = "protobuf";  // compact: the mock keeps 5 MiB per partition
    config.kafka_properties["session.timeout.ms"] = "3000";
    config.standby_replicas = standby_replicas;
    config.extra_yaml = TokensYaml({{"support", "support", kToken}});
    return config;
  }

  static HttpResponse Risk(int port, const std::string& account, scoring::EpochMicros as_of) {
    return GetRisk(port, account, as_of, kToken);
  }

  static void Produce(TestProducer& producer, const std::vector<v1::AccountEvent>& events, const std::string& topic) {
    for (const auto& e : events) producer.Produce(topic, e.account_id(), ProtoValue(e));
  }

  static std::string Scrape(RiskdProcess& r) { return HttpRequest(r.metrics_port(), "GET", "/metrics").body; }

  // The partitions the instance last announced as serving (its log).
  static std::set<int32_t> Serving(const std::string& stderr_text) {
    const auto at = stderr_text.rfind("\"msg\":\"announced partitions\"");
    std::set<int32_t> out;
    if (at == std::string::npos) return out;
    const auto line = stderr_text.substr(at, stderr_text.find('\n', at) - at);
    const auto s = line.find("\"serving\":\"");
    if (s == std::string::npos) return out;
    std::istringstream list(line.substr(s + 11, line.find('"', s + 11) - s - 11));
    for (std::string p; std::getline(list, p, ',');) {
      if (!p.empty()) out.insert(std::stoi(p));
    }
    return out;
  }
};

TEST_P(StandbyTest, KilledOwnersPartitionsAreTakenOverFromTheStandbysCopyAndEndBitIdentical) {
  const int standby = GetParam();
  const double scale = TestScale();
  const int accounts = std::max(200, static_cast<int>(600 * scale));
  const auto first = RandomStream(/*seed=*/31, std::max(1'500, static_cast<int>(6'000 * scale)), accounts, BaseTime());
  const auto second =
      RandomStream(/*seed=*/32, std::max(800, static_cast<int>(3'000 * scale)), accounts, BaseTime() + scoring::kDay);
  const scoring::EpochMicros as_of = BaseTime() + 3 * scoring::kDay;

  auto a = NewRiskd("a", Config(standby));
  auto b = NewRiskd("b", Config(standby));
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
  ASSERT_TRUE(WaitChangelogPublished(bootstrap(), kChangelog, kPartitions, 60s));

  // Which partitions A owns, and how much changelog they hold.
  std::set<int32_t> a_partitions;
  ASSERT_TRUE(WaitFor([&] {
    a_partitions = Serving(a->Stderr());
    return !a_partitions.empty() && a_partitions.size() < static_cast<size_t>(kPartitions) &&
           Serving(b->Stderr()).size() + a_partitions.size() == static_cast<size_t>(kPartitions);
  }, 60s)) << a->Stderr();
  if (standby > 0) {
    // B follows exactly A's partitions, and has caught up with them.
    ASSERT_TRUE(WaitFor([&] {
      int series = 0;
      const std::string s = Scrape(*b);
      return MetricSum(s, "riskd_standby_partitions") == static_cast<double>(a_partitions.size()) &&
             MetricSum(s, "riskd_standby_lag_messages", &series) == 0 &&
             series == static_cast<int>(a_partitions.size());
    }, 60s)) << Scrape(*b) << b->Stderr();
  }
  // What A answers for the accounts it serves, just before it dies.
  std::set<std::string> all_accounts;
  for (const auto& e : first) all_accounts.insert(e.account_id());
  std::map<std::string, std::string> answered_by_a;
  for (const auto& account : all_accounts) {
    auto r = Risk(a->http_port(), account, as_of);
    if (r.status == 200) answered_by_a[account] = ScoreAndLevel(r.body);
    if (answered_by_a.size() >= 40) break;
  }
  ASSERT_GE(answered_by_a.size(), 10u) << "A serves none of the accounts";
  const auto changelog_end = HighWatermarks(bootstrap(), kChangelog);
  int64_t a_records = 0;
  for (int32_t p : a_partitions) a_records += changelog_end.at(p);
  const double restored_before = MetricSum(Scrape(*b), "riskd_restore_records_total");

  a->Kill();
  const auto killed = std::chrono::steady_clock::now();
  // B takes A's partitions over; once it answers, it answers what A did.
  std::set<std::string> answered_by_b;
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& [account, expected] : answered_by_a) {
          if (answered_by_b.count(account)) continue;
          auto r = Risk(b->http_port(), account, as_of);
          if (r.status == 200) {
            answered_by_b.insert(account);
            EXPECT_EQ(ScoreAndLevel(r.body), expected) << account;
          } else if (r.status != 503) {
            ADD_FAILURE() << account << ": status " << r.status << " " << r.body;
          }
        }
        return answered_by_b.size() == answered_by_a.size();
      },
      180s))
      << b->Stderr();
  const double failover_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  const double restored = MetricSum(Scrape(*b), "riskd_restore_records_total") - restored_before;
  // What B's restores took (their "partition restored" log lines).
  double restore_seconds = 0;
  const std::string b_log = b->Stderr();
  for (auto at = b_log.find("\"msg\":\"partition restored\""); at != std::string::npos;
       at = b_log.find("\"msg\":\"partition restored\"", at + 1)) {
    const auto s = b_log.find("\"seconds\":\"", at);
    if (s != std::string::npos && s < b_log.find('\n', at)) restore_seconds += std::atof(b_log.c_str() + s + 11);
  }
  std::printf("standby_replicas=%d: A's partitions hold %lld changelog records; B's takeover read %.0f of them "
              "(restores took %.3f s); kill -> A's accounts answered by B: %.1f s\n",
              standby, static_cast<long long>(a_records), restored, restore_seconds, failover_seconds);
  if (standby > 0) {
    // B read at most what A published after B's last look, nothing from the beginning.
    EXPECT_LT(restored, std::max<double>(20, a_records / 20.0)) << b->Stderr();
    EXPECT_EQ(b->Stderr().find("restoring partition from the beginning"), std::string::npos) << b->Stderr();
  } else {
    EXPECT_GE(restored, a_records / 2.0) << b->Stderr();
  }

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
}

INSTANTIATE_TEST_SUITE_P(StandbyReplicas, StandbyTest, ::testing::Values(1, 0),
                         [](const auto& info) { return info.param == 0 ? "NoStandby" : "OneStandby"; });

}  // namespace
}  // namespace riskd::it
