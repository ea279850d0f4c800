// riskd_restore: how fast riskd restores partition state from the changelog
// (issue 9), in accounts per second.
//
//   riskd_restore --riskd build/release/daemon/riskd [--accounts 100000]
//                 [--events 300000] [--partitions 16]
//
// It hosts a mock Kafka cluster, computes real account states (the scoring
// engine over a generated stream of `events` events on `accounts`
// accounts), writes them to the changelog topic as riskd writes them (one
// record per account, zstd, partition = the account's input partition,
// plus an offsets record per partition), then starts riskd with an empty
// state directory and waits until it has restored every partition. The
// mock keeps only 5 MiB per partition: use enough partitions that the
// compressed changelog fits (the tool refuses otherwise).
//
// Prints one line:
//   accounts=… records=… partitions=… restore_seconds=… accounts_per_second=… wall_seconds=…
// restore_seconds sums riskd's own per-partition restore times (partitions
// are restored one after the other on one thread); wall_seconds runs from
// starting riskd to the last partition restored (process start, group join
// and the ownership checks included).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <thread>

#include "daemon/kafka/embedded_cluster.h"
#include "daemon/kafka/partitioner.h"
#include "daemon/store/changelog.h"
#include "daemon/store/records.h"
#include "scoring/engine.h"
#include "tests/integration/harness/events.h"
#include "tests/integration/harness/kafka_helpers.h"
#include "tests/integration/harness/riskd_process.h"

namespace {

// The value of "name":"…" in each log line with `msg`.
std::vector<std::string> Field(const std::string& log, const std::string& msg, const std::string& name) {
  std::vector<std::string> out;
  size_t at = 0;
  while ((at = log.find("\"msg\":\"" + msg + "\"", at)) != std::string::npos) {
    const size_t eol = log.find('\n', at);
    const std::string line = log.substr(at, eol - at);
    at = eol;
    const std::string key = "\"" + name + "\":\"";
    const size_t f = line.find(key);
    if (f == std::string::npos) continue;
    const size_t start = f + key.size();
    out.push_back(line.substr(start, line.find('"', start) - start));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string riskd_path;
  int accounts = 100'000, events = 300'000, partitions = 16;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--riskd") riskd_path = value;
    else if (flag == "--accounts") accounts = std::atoi(value.c_str());
    else if (flag == "--events") events = std::atoi(value.c_str());
    else if (flag == "--partitions") partitions = std::atoi(value.c_str());
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (riskd_path.empty() || accounts <= 0 || events < accounts || partitions <= 0) {
    std::fprintf(stderr, "usage: riskd_restore --riskd PATH [--accounts N] [--events N>=accounts] [--partitions N]\n");
    return 2;
  }
  const std::string changelog = "riskd-state-changelog";
  auto cluster = riskd::kafka::EmbeddedCluster::Start(
      {"account-events", "account-events.dlq", "risk-decisions", changelog}, partitions);
  if (!cluster) {
    std::fprintf(stderr, "%s\n", cluster.error().message.c_str());
    return 1;
  }
  const std::string bootstrap = (*cluster)->bootstrap();

  // Real account states: the engine over a generated stream.
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const riskd::scoring::Engine engine(std::make_shared<const riskd::scoring::ScoringConfig>());
  std::map<std::string, riskd::scoring::AccountState> states;
  for (const auto& proto : riskd::it::RandomStream(5, events, accounts, now - 10 * riskd::scoring::kDay)) {
    auto event = riskd::scoring::EventFromProto(proto);
    if (event) engine.Apply(states[proto.account_id()], *event);
  }
  size_t bytes = 0;
  {
    riskd::it::TestProducer producer(bootstrap, {{"compression.type", "zstd"}, {"linger.ms", "50"}});
    for (const auto& [account, state] : states) {
      const int32_t p = riskd::kafka::PartitionForKey(riskd::kafka::Partitioner::kConsistentRandom, account, partitions);
      const auto entry = riskd::store::changelog::AccountEntry(changelog, p, "riskd-restore-bench", account,
                                                               {state.newest_event_at, state.Serialize()});
      bytes += entry.value.size();
      producer.ProduceTo(changelog, p, entry.key, entry.value, entry.headers);
    }
    for (int32_t p = 0; p < partitions; ++p) {
      auto marker = riskd::store::changelog::OffsetsEntry(changelog, p, "riskd-restore-bench", {{"account-events", 0}});
      producer.ProduceTo(changelog, p, marker.key, marker.value, marker.headers);
    }
    if (producer.Flush() != 0) {
      std::fprintf(stderr, "producing the changelog failed\n");
      return 1;
    }
  }
  for (const auto& [p, lo] : riskd::it::LowWatermarks(bootstrap, changelog)) {
    if (lo > 0) {
      std::fprintf(stderr, "changelog partition %d outgrew the mock's 5 MiB (low watermark %lld): use more partitions\n",
                   p, static_cast<long long>(lo));
      return 1;
    }
  }

  const auto dir = std::filesystem::temp_directory_path() / ("riskd-restore-" + std::to_string(::getpid()));
  int rc = 0;
  {
    riskd::it::RiskdConfig config;
    config.bootstrap = bootstrap;
    setenv("RISKD_BINARY_OVERRIDE", riskd_path.c_str(), 1);
    riskd::it::RiskdProcess riskd(dir, config);
    const auto t0 = std::chrono::steady_clock::now();
    riskd.Start();
    std::string log;
    while (riskd.Running()) {
      log = riskd.Stderr();
      if (static_cast<int>(Field(log, "partition restored", "accounts").size()) >= partitions) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto restored = Field(log, "partition restored", "accounts");
    const auto seconds = Field(log, "partition restored", "seconds");
    const auto records = Field(log, "partition restored", "records");
    if (static_cast<int>(restored.size()) < partitions) {
      std::fprintf(stderr, "riskd stopped before restoring:\n%s\n", log.c_str());
      rc = 1;
    } else {
      long long n = 0, r = 0;
      double s = 0;
      for (const auto& v : restored) n += std::atoll(v.c_str());
      for (const auto& v : records) r += std::atoll(v.c_str());
      for (const auto& v : seconds) s += std::atof(v.c_str());
      std::printf("accounts=%lld records=%lld partitions=%d state_bytes=%zu restore_seconds=%.2f "
                  "accounts_per_second=%.0f wall_seconds=%.2f\n",
                  n, r, partitions, bytes, s, static_cast<double>(n) / s, wall);
    }
    riskd.Terminate();
    if (std::getenv("RISKD_RESTORE_LOG")) {  // riskd's restore log lines, for a closer look
      const std::string all = riskd.Stderr();
      for (size_t at = 0, eol; at < all.size(); at = eol + 1) {
        eol = all.find('\n', at);
        if (eol == std::string::npos) eol = all.size();
        const std::string line = all.substr(at, eol - at);
        if (line.find("\"component\":\"restore\"") != std::string::npos) std::fprintf(stderr, "%s\n", line.c_str());
      }
    }
  }
  std::filesystem::remove_all(dir);
  return rc;
}
