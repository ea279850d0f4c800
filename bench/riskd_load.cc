// riskd_load: one riskd's event throughput, end to end (consume, decode,
// apply, commit state + offsets + outbox to RocksDB, publish RiskUpdates).
//
//   riskd_load --riskd build/release/daemon/riskd [--events 200000]
//              [--accounts 20000] [--format protobuf|json] [--partitions 4]
//
// It hosts a mock Kafka cluster, pre-loads the input topic, starts riskd
// on it with an empty state directory, and measures from riskd's first
// durable batch to the moment its committed offsets reach the end of the
// topic (startup and group join are excluded). Prints one line:
//   format=protobuf events=200000 seconds=… events_per_second=…
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "daemon/kafka/embedded_cluster.h"
#include "tests/integration/harness/events.h"
#include "tests/integration/harness/kafka_helpers.h"
#include "tests/integration/harness/riskd_process.h"

namespace {

int64_t Committed(const std::string& bootstrap) {
  int64_t sum = 0;
  for (const auto& [p, o] : riskd::it::GroupCommitted(bootstrap, "riskd", "account-events")) sum += o;
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  std::string riskd_path, format = "protobuf";
  int events = 200'000, accounts = 20'000, partitions = 4;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--riskd") riskd_path = value;
    else if (flag == "--events") events = std::atoi(value.c_str());
    else if (flag == "--accounts") accounts = std::atoi(value.c_str());
    else if (flag == "--format") format = value;
    else if (flag == "--partitions") partitions = std::atoi(value.c_str());
    else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (riskd_path.empty() || (format != "json" && format != "protobuf")) {
    std::fprintf(stderr, "usage: riskd_load --riskd PATH [--events N] [--accounts N] [--format protobuf|json]\n");
    return 2;
  }
  auto cluster = riskd::kafka::EmbeddedCluster::Start({"account-events", "account-events.dlq", "risk-decisions"},
                                                      partitions);
  if (!cluster) {
    std::fprintf(stderr, "%s\n", cluster.error().message.c_str());
    return 1;
  }
  const std::string bootstrap = (*cluster)->bootstrap();
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  const auto stream = riskd::it::RandomStream(1, events, accounts, now - 10 * riskd::scoring::kDay);
  {
    // zstd keeps the pre-loaded topic inside the mock's 5 MiB per partition.
    riskd::it::TestProducer producer(bootstrap, {{"compression.type", "zstd"}, {"linger.ms", "50"}});
    for (const auto& e : stream) {
      producer.Produce("account-events", e.account_id(),
                       format == "json" ? riskd::it::JsonValue(e) : riskd::it::ProtoValue(e));
    }
    if (producer.Flush() != 0) {
      std::fprintf(stderr, "producing the load failed\n");
      return 1;
    }
  }
  const auto dir = std::filesystem::temp_directory_path() / ("riskd-load-" + std::to_string(::getpid()));
  int rc = 0;
  {
    riskd::it::RiskdConfig config;
    config.bootstrap = bootstrap;
    config.decisions_format = format;
    setenv("RISKD_BINARY_OVERRIDE", riskd_path.c_str(), 1);
    riskd::it::RiskdProcess riskd(dir, config);
    riskd.Start();
    // From the first durable batch…
    // Each probe is a short-lived client: probe rarely so the probes do not
    // compete with riskd for the CPU (the timing error stays below 1-2%).
    while (Committed(bootstrap) == 0 && riskd.Running()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t c0 = Committed(bootstrap);
    // …to the end of the topic.
    int64_t c = c0;
    while ((c = Committed(bootstrap)) < events && riskd.Running()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (c < events) {
      std::fprintf(stderr, "riskd stopped early:\n%s\n", riskd.Stderr().c_str());
      rc = 1;
    } else {
      std::printf("format=%s events=%lld seconds=%.2f events_per_second=%.0f\n", format.c_str(),
                  static_cast<long long>(c - c0), seconds, static_cast<double>(c - c0) / seconds);
    }
    riskd.Terminate();
  }
  std::filesystem::remove_all(dir);
  return rc;
}
