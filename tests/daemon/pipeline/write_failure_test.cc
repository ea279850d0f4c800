// A store write that fails (a full disk) stops consumption of the partition
// without advancing offsets, marks the daemon not ready, counts the failure
// and retries; afterwards every event is applied exactly once. The whole
// Daemon runs in-process with a FaultInjectingWriter as its store seam,
// against a mock Kafka cluster on loopback.
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "daemon/app/daemon.h"
#include "daemon/kafka/embedded_cluster.h"
#include "daemon/store/batch_writer.h"
#include "tests/integration/harness/events.h"
#include "tests/integration/harness/kafka_helpers.h"
#include "tests/integration/harness/state_reader.h"

namespace riskd::pipeline {
namespace {

namespace fs = std::filesystem;

// The sum of every sample of `name` in a Prometheus scrape. (No std::regex:
// GCC 12 at -O1 with ASan warns inside it.)
double Sum(const std::string& scrape, const std::string& name) {
  double total = 0;
  std::istringstream in(scrape);
  for (std::string l; std::getline(in, l);) {
    if (l.compare(0, name.size(), name) != 0 || l.size() <= name.size()) continue;
    if (l[name.size()] != ' ' && l[name.size()] != '{') continue;
    total += std::stod(l.substr(l.rfind(' ') + 1));
  }
  return total;
}

TEST(WriteFailureTest, FailedWritesPauseAndRetryWithoutLosingOrDoubleCounting) {
  const fs::path dir = fs::temp_directory_path() / ("riskd-write-failure-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  auto cluster =
      kafka::EmbeddedCluster::Start({"account-events", "account-events.dlq", "risk-decisions", "wf-state-changelog"}, 2);
  ASSERT_TRUE(cluster.ok());
  {
    std::ofstream(dir / "riskd.yaml") << "kafka:\n  properties:\n    bootstrap.servers: \"" << (*cluster)->bootstrap()
                                      << "\"\n  group_id: wf\nstate:\n  dir: " << (dir / "state").string()
                                      << "\nhttp:\n  listen: 127.0.0.1:0\nmetrics:\n  listen: 127.0.0.1:0\n";
  }
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const auto stream = it::RandomStream(5, 300, 40, now - 2 * scoring::kDay);

  store::FaultInjectingWriter writer;
  {
    app::Daemon daemon(app::DaemonOptions{(dir / "riskd.yaml").string(), nullptr, &writer});
    ASSERT_TRUE(daemon.Start().ok());
    // Once the partitions are claimed (their claims are store writes too),
    // the first batches fail.
    for (int i = 0; i < 600 && !daemon.Ready().ready; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(daemon.Ready().ready) << daemon.Ready().reason;
    writer.FailNextWrites(4);
    it::TestProducer producer((*cluster)->bootstrap());
    for (const auto& e : stream) producer.Produce("account-events", e.account_id(), it::JsonValue(e));
    ASSERT_EQ(producer.Flush(), 0);

    bool saw_not_ready = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (writer.failures_injected() < 4 && std::chrono::steady_clock::now() < deadline) {
      const auto r = daemon.Ready();
      saw_not_ready |= !r.ready && r.reason.find("state writes failing") != std::string::npos;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    for (int i = 0; i < 40 && !saw_not_ready; ++i) {  // the last failure's backoff
      const auto r = daemon.Ready();
      saw_not_ready |= !r.ready && r.reason.find("state writes failing") != std::string::npos;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(writer.failures_injected(), 4);
    EXPECT_TRUE(saw_not_ready) << "/readyz must say not ready while writes fail";
    ASSERT_TRUE(it::WaitCaughtUp((*cluster)->bootstrap(), "wf", "account-events", std::chrono::seconds(60)));
    const auto scrape = daemon.ScrapeMetrics();
    EXPECT_GE(Sum(scrape, "riskd_store_write_failures_total"), 1);
    EXPECT_EQ(Sum(scrape, "riskd_events_total") + Sum(scrape, "riskd_event_duplicates_total") +
                  Sum(scrape, "riskd_events_rejected_total"),
              static_cast<double>(stream.size()))
        << "every consumed message counted exactly once, retries included";
    // Readiness is recomputed by the pipeline's housekeeping (every 200 ms),
    // so it may trail the commit that WaitCaughtUp saw.
    for (int i = 0; i < 100 && !daemon.Ready().ready; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(daemon.Ready().ready) << daemon.Ready().reason;
    daemon.Stop();
  }
  // The state is what an uninterrupted, failure-free run computes.
  it::TopicReader input((*cluster)->bootstrap(), "account-events");
  ASSERT_TRUE(input.ReadUntil([&](const auto& m) { return m.size() >= stream.size(); }, std::chrono::seconds(30)));
  const scoring::Engine engine(std::make_shared<const scoring::ScoringConfig>());
  const auto reference = it::ComputeReference(input.messages(), engine, now);
  const auto stored = it::ReadStateDir((dir / "state").string());
  ASSERT_EQ(stored.accounts.size(), reference.accounts.size());
  for (const auto& [account, expected] : reference.accounts) {
    ASSERT_TRUE(stored.accounts.count(account));
    EXPECT_TRUE(stored.accounts.at(account) == expected) << account;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace riskd::pipeline
