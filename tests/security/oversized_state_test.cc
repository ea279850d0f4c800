// Oversized state (issue 14, point 10). An attacker who can emit login
// events for an account (a credential-stuffing bot) sent 600 failed logins
// with 4 KB device ids: the account's state outgrew Kafka's
// message.max.bytes, its changelog record was dropped (counted only as
// riskd_produce_errors_total{reason="too_large"}), and the next handoff
// silently restored the account from older state.
//
// Now: such events are rejected (invalid_field, dead-lettered, naming the
// field); events at the field caps keep the state inside its byte budget,
// so its changelog record is published and a restore reproduces it; and a
// changelog record that still cannot be published makes its partition
// unserved (503) instead of vanishing.
#include <algorithm>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "daemon/kafka/partitioner.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;
constexpr const char* kToken = "oversized-support-token";
const std::string kVictim = "victim-account";

v1::AccountEvent FailedLogin(int i, scoring::EpochMicros at, std::size_t device_bytes, std::size_t id_bytes) {
  v1::AccountEvent e;
  std::string id = "fail-" + std::to_string(i) + "-";
  id.resize(std::max(id.size(), id_bytes), 'i');
  e.set_event_id(id);
  e.set_account_id(kVictim);
  e.mutable_occurred_at()->set_seconds(at / scoring::kSecond);
  e.mutable_login()->set_result(v1::Login::FAILURE);
  e.mutable_login()->set_method(v1::Login::PASSWORD);
  std::string device = "bot-" + std::to_string(i) + "-";
  device.resize(device_bytes, 'd');
  e.mutable_context()->set_device_id(device);
  e.mutable_context()->set_ip("203.0.113." + std::to_string(i % 250));
  e.mutable_context()->set_asn(64999);
  return e;
}

class OversizedStateTest : public IntegrationTest {
 protected:
  static RiskdConfig Config() {
    RiskdConfig config;
    config.kafka_properties["session.timeout.ms"] = "3000";
    config.extra_yaml = TokensYaml({{"support", "support", kToken}});
    return config;
  }

  // The victim's normal life, then the bot's `count` failed logins.
  void ProduceAttack(int count, std::size_t device_bytes, std::size_t id_bytes) {
    TestProducer producer(bootstrap());
    const auto t0 = BaseTime();
    producer.Produce(kInput, kVictim,
                     JsonValue(SuccessfulLogin("home-1", kVictim, t0, "home-laptop", "198.51.100.7", 64500)));
    producer.Produce(kInput, kVictim, JsonValue(EmailReset("reset-1", kVictim, t0 + scoring::kHour)));
    for (int i = 0; i < count; ++i) {
      const auto at = t0 + 2 * scoring::kHour + i * scoring::kSecond;
      producer.Produce(kInput, kVictim, JsonValue(FailedLogin(i, at, device_bytes, id_bytes)));
    }
    ASSERT_EQ(producer.Flush(), 0);
  }

  static double Metric(const RiskdProcess& riskd, const std::string& series) {
    const auto scrape = HttpRequest(riskd.metrics_port(), "GET", "/metrics").body;
    double sum = 0;
    std::istringstream in(scrape);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(series + " ", 0) == 0) sum += std::stod(line.substr(series.size() + 1));
    }
    return sum;
  }
};

TEST_F(OversizedStateTest, FourKilobyteDeviceIdsAreRejectedAsInvalidField) {
  auto a = NewRiskd("a", Config());
  a->Start();
  ASSERT_TRUE(WaitReady(a->http_port(), 60s)) << a->Stderr();
  ProduceAttack(600, 4096, 16);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 120s)) << a->Stderr();

  EXPECT_EQ(Metric(*a, R"(riskd_events_rejected_total{reason="invalid_field"})"), 600);
  EXPECT_EQ(Metric(*a, R"(riskd_produce_errors_total{reason="too_large"})"), 0);
  TopicReader dlq(bootstrap(), kDeadLetters);
  ASSERT_TRUE(dlq.ReadUntil([](const auto& m) { return m.size() >= 600; }, 60s)) << dlq.messages().size();
  for (const auto& m : dlq.messages()) {
    ASSERT_EQ(HeaderValue(m, "riskd-error"), "invalid_field");
    ASSERT_EQ(HeaderValue(m, "riskd-error-detail"), "context.deviceId: longer than 256 bytes");
  }
  // The victim's own events were applied; the bot's changed nothing.
  const auto risk = GetRisk(a->http_port(), kVictim, WallNow(), kToken);
  ASSERT_EQ(risk.status, 200) << risk.body;
  EXPECT_EQ(risk.body.find("failed_login_burst"), std::string::npos) << risk.body;
  EXPECT_NE(risk.body.find("EMAIL_OTP"), std::string::npos) << "the reset's taint: " << risk.body;
}

TEST_F(OversizedStateTest, AtTheCapsTheChangelogRecordFitsTheBudgetAndARestoreReproducesTheAccount) {
  auto a = NewRiskd("a", Config());
  a->Start();
  ASSERT_TRUE(WaitReady(a->http_port(), 60s)) << a->Stderr();
  ProduceAttack(600, 256, 128);  // device ids and event ids at their caps
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 120s)) << a->Stderr();
  EXPECT_EQ(Metric(*a, R"(riskd_events_rejected_total{reason="invalid_field"})"), 0);
  const auto before = GetRisk(a->http_port(), kVictim, WallNow(), kToken);
  ASSERT_EQ(before.status, 200) << before.body;
  EXPECT_NE(before.body.find("failed_login_burst"), std::string::npos) << before.body;
  ASSERT_EQ(a->Terminate(), 0) << a->Stderr();  // a clean leave publishes the changelog backlog
  EXPECT_EQ(Count(a->Stderr(), "too_large"), 0) << a->Stderr();

  // Every changelog record of the account fits the default budget (256 KiB).
  TopicReader changelog(bootstrap(), kChangelog);
  changelog.ReadUntil([](const auto&) { return false; }, 5s);
  std::size_t largest = 0;
  for (const auto& m : changelog.messages()) {
    if (m.key == kVictim) largest = std::max(largest, m.value.size());
  }
  EXPECT_GT(largest, 0u) << "no changelog record of the account";
  EXPECT_LE(largest, 256u * 1024);

  // A second instance with an empty state directory restores the account.
  auto b = NewRiskd("b", Config());
  b->Start();
  // (Only the victim's partition has changelog records to restore.)
  ASSERT_TRUE(WaitFor([&] { return Count(b->Stderr(), "partition restored") >= 1; }, 180s)) << b->Stderr();
  ASSERT_TRUE(WaitReady(b->http_port(), 60s)) << b->Stderr();
  const auto after = GetRisk(b->http_port(), kVictim, WallNow(), kToken);
  ASSERT_EQ(after.status, 200) << after.body;
  ASSERT_EQ(b->Terminate(), 0) << b->Stderr();
  const auto original = ReadStateDir(a->state_dir().string());
  const auto restored = ReadStateDir(b->state_dir().string());
  ASSERT_EQ(original.accounts.count(kVictim), 1u);
  ASSERT_EQ(restored.accounts.count(kVictim), 1u);
  EXPECT_TRUE(restored.accounts.at(kVictim) == original.accounts.at(kVictim));
  EXPECT_EQ(original.accounts.at(kVictim).seen_ids.size(), 602u) << "no event id needed forgetting";
}

TEST_F(OversizedStateTest, AChangelogRecordThatCannotBePublishedStopsServingItsPartition) {
  // A producer limit below the account's state: its changelog record can
  // never be sent. (The state budget keeps this from happening with
  // Kafka's default limit; this is the net below it.)
  RiskdConfig config = Config();
  config.kafka_properties["message.max.bytes"] = "20000";
  auto a = NewRiskd("a", config);
  a->Start();
  ASSERT_TRUE(WaitReady(a->http_port(), 60s)) << a->Stderr();
  ProduceAttack(200, 256, 64);  // about 70 KB of state
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 120s)) << a->Stderr();

  ASSERT_TRUE(WaitFor(
      [&] {
        const auto r = HttpRequest(a->http_port(), "GET", "/readyz");
        return r.status == 503 && r.body.find("changelog") != std::string::npos;
      },
      30s))
      << "the partition is still served although its changelog lost a record\n" << a->Stderr();
  const auto ready = HttpRequest(a->http_port(), "GET", "/readyz");
  EXPECT_NE(ready.body.find("changelog record cannot be published"), std::string::npos) << ready.body;
  const auto risk = GetRisk(a->http_port(), kVictim, WallNow(), kToken);
  EXPECT_EQ(risk.status, 503) << risk.body;
  EXPECT_GE(Metric(*a, R"(riskd_produce_errors_total{reason="too_large"})"), 1);
  EXPECT_GE(Count(a->Stderr(), "changelog record cannot be published"), 1) << a->Stderr();
  // Accounts of the other partitions are still served.
  const int32_t victim_partition = kafka::PartitionForKey(kafka::Partitioner::kConsistentRandom, kVictim, kPartitions);
  for (const auto& other : OneAccountPerPartition(kPartitions, kPartitions)) {
    if (kafka::PartitionForKey(kafka::Partitioner::kConsistentRandom, other, kPartitions) == victim_partition) continue;
    EXPECT_EQ(GetRisk(a->http_port(), other, WallNow(), kToken).status, 200) << other;
  }
  ASSERT_EQ(a->Terminate(), 0) << a->Stderr();
  // The record was kept, not dropped: it waits in the outbox.
  EXPECT_GE(ReadStateDir(a->state_dir().string()).outbox_entries, 1u);
}

}  // namespace
}  // namespace riskd::it
