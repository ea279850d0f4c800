// riskd_bench: one command per measurement of issue 8, each against a
// baseline taken in the same run where there is one, each printing a JSON
// summary as its last line. bench/run.sh drives it (and generates the
// events file with riskctl generate); see bench/README.md.
//
//   riskd_bench ingest   --riskd R --events F.pb [--format protobuf|json] [--partitions 16] [--limit N]
//   riskd_bench latency  --riskd R --events F.pb --rate EV_PER_S [--seconds 20] [--format …]
//   riskd_bench api      --riskd R --events F.pb --wrk-script S --rate EV_PER_S [--seconds 10] [--connections 16]
//   riskd_bench state    --events F.pb [--limit N] [--db-bench db_bench]
//   riskd_bench memory   --riskd R --accounts N --wrk-script S [--touch-events N]
//   riskd_bench recovery --riskd R --accounts N
//
// Every Kafka cluster is librdkafka's mock cluster hosted by this process
// (as the integration tests do); riskd is the real binary, started with its
// default config apart from the cluster, ports and (for the API) tokens.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <stdexcept>
#include <sstream>
#include <thread>
#include <unordered_set>

#include "bench/bench_util.h"
#include "bench/state_engine.h"
#include "daemon/config/tokens.h"
#include "daemon/kafka/embedded_cluster.h"
#include "tests/integration/harness/events.h"
#include "tests/integration/harness/http_client.h"
#include "tests/integration/harness/kafka_helpers.h"
#include "tests/integration/harness/riskd_process.h"

namespace riskd::bench {
namespace {

namespace fs = std::filesystem;

const std::string kInput = "account-events";
constexpr const char* kSupportToken = "bench-support-token";

struct Context {
  Flags& flags;
  fs::path workdir;
};

std::unique_ptr<kafka::EmbeddedCluster> StartCluster(int32_t partitions) {
  // riskd-state-changelog: the default group's changelog (the mock has no CreateTopics).
  auto cluster =
      kafka::EmbeddedCluster::Start({kInput, kInput + ".dlq", "risk-decisions", "riskd-state-changelog"}, partitions);
  if (!cluster) throw std::runtime_error(cluster.error().message);
  return std::move(*cluster);
}

// Producer settings for pre-loading: big zstd batches, because each mock
// partition keeps only its newest 5 MiB.
std::vector<std::pair<std::string, std::string>> PreloadProps() {
  return {{"compression.type", "zstd"}, {"linger.ms", "100"}, {"batch.size", "900000"},
          {"batch.num.messages", "100000"}, {"queue.buffering.max.kbytes", "1048576"}};
}

struct Preloaded {
  int64_t events = 0;
  std::vector<std::string> accounts;  // distinct, in order of first sight (when asked)
};

// Produces up to `limit` events of `source` (0: all) to the input topic.
Preloaded Preload(const std::string& bootstrap, int32_t partitions, EventSource& source, const std::string& format,
                  int64_t limit, bool collect_accounts) {
  Producer producer(bootstrap, partitions, PreloadProps());
  Preloaded out;
  std::unordered_set<std::string> seen;
  v1::AccountEvent e;
  while ((limit == 0 || out.events < limit) && source.Next(&e)) {
    producer.Produce(kInput, e.account_id(), EncodeEvent(e, format));
    if (collect_accounts && seen.insert(e.account_id()).second) out.accounts.push_back(e.account_id());
    if (++out.events % 10000 == 0) producer.Poll();
  }
  if (producer.Flush() != 0) throw std::runtime_error("pre-loading the input topic failed");
  // Nothing may have fallen out of the mock's per-partition log.
  for (const auto& [p, low] : riskd::it::LowWatermarks(bootstrap, kInput)) {
    if (low != 0) {
      throw std::runtime_error("mock partition " + std::to_string(p) +
                               " dropped its oldest messages (5 MiB per partition): use more --partitions");
    }
  }
  int64_t total = 0;
  for (const auto& [p, high] : riskd::it::HighWatermarks(bootstrap, kInput)) total += high;
  if (total != out.events) {
    throw std::runtime_error("topic holds " + std::to_string(total) + " messages, produced " +
                             std::to_string(out.events));
  }
  return out;
}

// riskd's defaults (RiskUpdates in JSON included) but for the cluster, the
// ports and a support token.
it::RiskdConfig BaseConfig(const std::string& bootstrap) {
  it::RiskdConfig config;
  config.bootstrap = bootstrap;
  config.decisions_format = "json";
  config.kafka_properties.clear();  // riskd's own defaults
  config.extra_yaml = std::string("auth:\n  tokens:\n") + "    - { name: bench, role: support, sha256: \"" +
                      config::Sha256Hex(kSupportToken) + "\" }\n";
  return config;
}

pid_t PidOf(const it::RiskdProcess& riskd) {
  // RiskdProcess keeps the pid private; its state dir's LOCK holder is it.
  // Read it from /proc instead: the newest child named riskd of this process.
  pid_t found = -1;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid != ::getpid()) continue;
    std::ifstream cmdline(e.path() / "cmdline");
    std::string cmd;
    std::getline(cmdline, cmd, '\0');
    std::getline(cmdline, cmd, '\0');
    std::getline(cmdline, cmd, '\0');
    if (cmd == riskd.config_path().string()) found = std::max(found, static_cast<pid_t>(std::stoi(name)));
  }
  return found;
}

bool WaitCommitted(CommitProbe& probe, int64_t total, it::RiskdProcess& riskd, std::chrono::seconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (SteadyClock::now() < deadline && riskd.Running()) {
    if (CommitProbe::Total(probe.Committed()) >= total) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// ---- ingest ----------------------------------------------------------------

int Ingest(Context& ctx) {
  const auto riskd_path = ctx.flags.Str("riskd", "");
  const auto events_path = ctx.flags.Str("events", "");
  const auto format = ctx.flags.Str("format", "protobuf");
  const auto partitions = static_cast<int32_t>(ctx.flags.Int("partitions", 16));
  const auto limit = ctx.flags.Int("limit", 0);
  if (riskd_path.empty() || events_path.empty()) throw std::runtime_error("ingest needs --riskd and --events");
  setenv("RISKD_BINARY_OVERRIDE", riskd_path.c_str(), 1);

  auto cluster = StartCluster(partitions);
  const auto bootstrap = cluster->bootstrap();
  EventSource source(events_path);
  const auto t_load = SteadyClock::now();
  const auto loaded = Preload(bootstrap, partitions, source, format, limit, false);
  std::fprintf(stderr, "pre-loaded %lld %s events into %d partitions in %.1f s\n",
               static_cast<long long>(loaded.events), format.c_str(), partitions, SecondsSince(t_load));
  const int64_t n = loaded.events;

  // Baseline before and after riskd: the machine is shared, so the two
  // bracket riskd's run and their mean is the reference.
  auto bare1 = BareConsume(bootstrap, kInput, partitions, n, std::chrono::seconds(600));
  if (!bare1) throw std::runtime_error("bare consumer did not read every message");
  std::fprintf(stderr, "bare consumer: %.0f events/s\n", (n - 1) / *bare1);

  CommitProbe probe(bootstrap, "riskd", kInput, partitions);
  it::RiskdProcess riskd(ctx.workdir / "riskd", BaseConfig(bootstrap));
  riskd.Start();
  // From riskd's first durable batch (startup and the group join excluded)…
  int64_t c0 = 0;
  while (riskd.Running() && (c0 = CommitProbe::Total(probe.Committed())) == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto t0 = SteadyClock::now();
  const pid_t pid = PidOf(riskd);
  const double cpu0 = ProcessCpuSeconds(pid);
  // …to its committed offsets reaching the end of the topic.
  int64_t c = c0;
  while (riskd.Running() && (c = CommitProbe::Total(probe.Committed())) < n) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const double seconds = SecondsSince(t0);
  const double cpu = ProcessCpuSeconds(pid) - cpu0;
  if (c < n) throw std::runtime_error("riskd stopped early:\n" + riskd.Stderr());
  const auto mem = ReadProcessMemory(pid);
  const auto scrape = ScrapeMetrics(riskd.metrics_port());
  riskd.Terminate();

  auto bare2 = BareConsume(bootstrap, kInput, partitions, n, std::chrono::seconds(600));
  if (!bare2) throw std::runtime_error("bare consumer did not read every message");
  const double bare_rate = ((n - 1) / *bare1 + (n - 1) / *bare2) / 2;
  const double riskd_rate = static_cast<double>(c - c0) / seconds;

  JsonLine j;
  j.Add("bench", "ingest").Add("format", format).Add("events", n).Add("partitions", partitions)
      .Add("riskd_events_per_second", riskd_rate).Add("riskd_seconds", seconds)
      .Add("riskd_cpu_seconds", cpu).Add("riskd_events_per_cpu_second", static_cast<double>(c - c0) / cpu)
      .Add("riskd_peak_rss_bytes", mem.peak_rss)
      .Add("bare_consumer_events_per_second", bare_rate)
      .Add("bare_consumer_before", (n - 1) / *bare1).Add("bare_consumer_after", (n - 1) / *bare2)
      .Add("ratio", riskd_rate / bare_rate);
  if (scrape) {
    j.Add("applied", static_cast<int64_t>(scrape->Sum("riskd_events_total")))
        .Add("rejected", static_cast<int64_t>(scrape->Sum("riskd_events_rejected_total")))
        .Add("duplicates", static_cast<int64_t>(scrape->Sum("riskd_event_duplicates_total")));
  }
  std::cout << j.str() << std::endl;
  return 0;
}

// ---- steady production (latency, api) --------------------------------------

// Produces restamped events of `source` at `rate` per second until `stop`
// (or the file ends, when it starts over with new ids), recording send times.
struct SteadyProducer {
  Producer producer;
  EventSource& source;
  std::string format;
  double rate;
  int64_t produced = 0;
  int64_t round = 0;
  std::string events_path;

  SteadyProducer(const std::string& bootstrap, int32_t partitions, EventSource& src, std::string fmt, double r,
                 std::string path)
      : producer(bootstrap, partitions, {{"compression.type", "zstd"}, {"linger.ms", "1"}}),
        source(src), format(std::move(fmt)), rate(r), events_path(std::move(path)) {}

  // Produces what is due at `elapsed` seconds since the start.
  void Tick(double elapsed, EventSource*& current, std::unique_ptr<EventSource>& reopened) {
    const auto due = static_cast<int64_t>(elapsed * rate);
    v1::AccountEvent e;
    while (produced < due) {
      if (!current->Next(&e)) {
        reopened = std::make_unique<EventSource>(events_path);
        current = reopened.get();
        ++round;
        continue;
      }
      if (round > 0) e.set_event_id(e.event_id() + "-r" + std::to_string(round));
      StampNow(&e);
      producer.Produce(kInput, e.account_id(), EncodeEvent(e, format));
      ++produced;
    }
    producer.Poll();
  }
};

void AddHistogram(JsonLine& j, const std::string& prefix, const Scrape& s, const std::string& name) {
  for (const auto& [label, q] : {std::pair{"p50", 0.5}, std::pair{"p99", 0.99}, std::pair{"p999", 0.999}}) {
    std::pair<double, double> bucket{NAN, NAN};
    const auto v = s.HistogramQuantile(name, q, &bucket);
    j.Add(prefix + "_" + label + "_ms", v ? *v * 1000 : NAN);
    if (!v) continue;
    // The resolution: the bucket the answer was interpolated in.
    j.AddRaw(prefix + "_" + label + "_bucket_ms",
             "[" + std::to_string(bucket.first * 1000) + "," +
                 (std::isinf(bucket.second) || std::isnan(bucket.second) ? std::string("null")
                                                                          : std::to_string(bucket.second * 1000)) +
                 "]");
  }
}

int Latency(Context& ctx) {
  const auto riskd_path = ctx.flags.Str("riskd", "");
  const auto events_path = ctx.flags.Str("events", "");
  const auto format = ctx.flags.Str("format", "protobuf");
  const auto partitions = static_cast<int32_t>(ctx.flags.Int("partitions", 16));
  const double rate = ctx.flags.Real("rate", 10000);
  const double seconds = ctx.flags.Real("seconds", 20);
  const auto probe_ms = ctx.flags.Int("probe-ms", 5);
  if (riskd_path.empty() || events_path.empty()) throw std::runtime_error("latency needs --riskd and --events");
  setenv("RISKD_BINARY_OVERRIDE", riskd_path.c_str(), 1);

  auto cluster = StartCluster(partitions);
  const auto bootstrap = cluster->bootstrap();
  auto config = BaseConfig(bootstrap);
  // librdkafka's mock broker answers a Fetch that finds no data only after
  // fetch.wait.max.ms (500 ms by default), even when data arrives meanwhile;
  // a real broker answers as soon as there is data. Without this, the mock's
  // wait would be most of what this measures.
  config.kafka_properties["fetch.wait.max.ms"] = ctx.flags.Str("fetch-wait-max-ms", "10");
  it::RiskdProcess riskd(ctx.workdir / "riskd", config);
  riskd.Start();
  if (!it::WaitReady(riskd.metrics_port(), std::chrono::seconds(60))) {
    throw std::runtime_error("riskd not ready:\n" + riskd.Stderr());
  }
  EventSource source(events_path);
  EventSource* current = &source;
  std::unique_ptr<EventSource> reopened;
  SteadyProducer steady(bootstrap, partitions, source, format, rate, events_path);
  steady.producer.set_record_send_times(true);
  CommitProbe probe(bootstrap, "riskd", kInput, partitions);
  std::vector<int64_t> done(partitions, 0);
  std::vector<double> latencies;
  auto take = [&](const std::vector<int64_t>& committed) {
    const auto now = SteadyClock::now();
    auto& sent = steady.producer.send_times();
    for (int32_t p = 0; p < partitions && !committed.empty(); ++p) {
      for (; done[p] < committed[p] && done[p] < static_cast<int64_t>(sent[p].size()); ++done[p]) {
        latencies.push_back(std::chrono::duration<double>(now - sent[p][done[p]]).count());
      }
    }
  };
  const auto t0 = SteadyClock::now();
  auto next_probe = t0;
  while (SecondsSince(t0) < seconds && riskd.Running()) {
    steady.Tick(SecondsSince(t0), current, reopened);
    if (SteadyClock::now() >= next_probe) {
      take(probe.Committed());
      next_probe += std::chrono::milliseconds(probe_ms);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  const double produce_seconds = SecondsSince(t0);
  steady.producer.Flush();
  const auto drain_deadline = SteadyClock::now() + std::chrono::seconds(120);
  while (static_cast<int64_t>(latencies.size()) < steady.produced && SteadyClock::now() < drain_deadline &&
         riskd.Running()) {
    take(probe.Committed());
    std::this_thread::sleep_for(std::chrono::milliseconds(probe_ms));
  }
  if (static_cast<int64_t>(latencies.size()) < steady.produced) throw std::runtime_error("riskd fell behind for good");
  const auto scrape = ScrapeMetrics(riskd.metrics_port());
  riskd.Terminate();

  JsonLine j;
  j.Add("bench", "latency").Add("format", format).Add("target_rate", rate)
      .Add("achieved_rate", static_cast<double>(steady.produced) / produce_seconds)
      .Add("events", steady.produced).Add("probe_interval_ms", probe_ms);
  // Measured here: producer hand-over -> riskd's broker commit seen by the probe.
  auto copy = latencies;
  j.Add("produce_to_commit_p50_ms", Percentile(copy, 0.5) * 1000)
      .Add("produce_to_commit_p99_ms", Percentile(copy, 0.99) * 1000)
      .Add("produce_to_commit_p999_ms", Percentile(copy, 0.999) * 1000);
  if (scrape) {
    AddHistogram(j, "receive_to_committed", *scrape, "riskd_event_processing_seconds");
    AddHistogram(j, "event_time_to_committed", *scrape, "riskd_event_lag_seconds");
  }
  std::cout << j.str() << std::endl;
  return 0;
}

// ---- api -------------------------------------------------------------------

struct WrkResult {
  std::string json;  // the script's summary line
};

WrkResult RunWrk(const std::string& script, int port, int connections, double seconds,
                 const std::vector<std::pair<std::string, std::string>>& env) {
  std::string cmd;
  for (const auto& [k, v] : env) cmd += k + "='" + v + "' ";
  cmd += "wrk -t1 -c" + std::to_string(connections) + " -d" + std::to_string(static_cast<int>(seconds)) +
         "s --latency -s '" + script + "' http://127.0.0.1:" + std::to_string(port) + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run wrk");
  std::string out, line;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  const int rc = ::pclose(pipe);
  std::istringstream in(out);
  std::string last;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '{') last = line;
  }
  if (rc != 0 || last.empty()) throw std::runtime_error("wrk failed:\n" + out);
  std::fprintf(stderr, "%s", out.c_str());
  return {last};
}

int Api(Context& ctx) {
  const auto riskd_path = ctx.flags.Str("riskd", "");
  const auto events_path = ctx.flags.Str("events", "");
  const auto script = ctx.flags.Str("wrk-script", "");
  const auto partitions = static_cast<int32_t>(ctx.flags.Int("partitions", 16));
  const auto preload = ctx.flags.Int("preload", 100000);
  const double rate = ctx.flags.Real("rate", 10000);
  const double seconds = ctx.flags.Real("seconds", 10);
  const int connections = static_cast<int>(ctx.flags.Int("connections", 16));
  if (riskd_path.empty() || events_path.empty() || script.empty()) {
    throw std::runtime_error("api needs --riskd, --events and --wrk-script");
  }
  setenv("RISKD_BINARY_OVERRIDE", riskd_path.c_str(), 1);

  auto cluster = StartCluster(partitions);
  const auto bootstrap = cluster->bootstrap();
  EventSource source(events_path);
  const auto loaded = Preload(bootstrap, partitions, source, "protobuf", preload, true);
  const auto accounts_file = (ctx.workdir / "accounts.txt").string();
  {
    std::ofstream out(accounts_file);
    for (const auto& a : loaded.accounts) out << a << "\n";
  }
  it::RiskdProcess riskd(ctx.workdir / "riskd", BaseConfig(bootstrap));
  riskd.Start();
  CommitProbe probe(bootstrap, "riskd", kInput, partitions);
  if (!WaitCommitted(probe, loaded.events, riskd, std::chrono::seconds(600)) ||
      !it::WaitReady(riskd.metrics_port(), std::chrono::seconds(60))) {
    throw std::runtime_error("riskd did not catch up:\n" + riskd.Stderr());
  }
  const std::vector<std::pair<std::string, std::string>> env = {{"RISKD_TOKEN", kSupportToken},
                                                                {"RISKD_BENCH_ACCOUNTS", accounts_file}};
  const auto idle = RunWrk(script, riskd.http_port(), connections, seconds, env);

  // The same while events arrive at `rate`.
  std::atomic<bool> stop{false};
  int64_t produced = 0;
  double produce_seconds = 0;
  std::thread ingest([&] {
    EventSource* current = &source;
    std::unique_ptr<EventSource> reopened;
    SteadyProducer steady(bootstrap, partitions, source, "protobuf", rate, events_path);
    const auto t0 = SteadyClock::now();
    while (!stop) {
      steady.Tick(SecondsSince(t0), current, reopened);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    produce_seconds = SecondsSince(t0);
    steady.producer.Flush();
    produced = steady.produced;
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let the ingest settle
  const int64_t committed_before = CommitProbe::Total(probe.Committed());
  const auto t_busy = SteadyClock::now();
  const auto busy = RunWrk(script, riskd.http_port(), connections, seconds, env);
  const double ingested_rate =
      static_cast<double>(CommitProbe::Total(probe.Committed()) - committed_before) / SecondsSince(t_busy);
  stop = true;
  ingest.join();
  riskd.Terminate();

  JsonLine j;
  j.Add("bench", "api").Add("connections", connections).Add("seconds", seconds)
      .Add("accounts", static_cast<int64_t>(loaded.accounts.size()))
      .AddRaw("idle", idle.json).AddRaw("while_ingesting", busy.json)
      .Add("ingest_target_rate", rate).Add("ingest_produced_rate", produced / produce_seconds)
      .Add("ingest_committed_rate_during_wrk", ingested_rate);
  std::cout << j.str() << std::endl;
  return 0;
}

// ---- state engine vs db_bench ----------------------------------------------

// db_bench's "fillrandom : X micros/op Y ops/sec" line.
double DbBenchOpsPerSecond(const std::string& cmd) {
  FILE* pipe = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run db_bench");
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  ::pclose(pipe);
  const auto at = out.find("fillrandom");
  const auto ops = out.find("ops/sec", at);
  if (at == std::string::npos || ops == std::string::npos) throw std::runtime_error("db_bench said:\n" + out);
  auto start = out.rfind("op ", ops);
  return std::atof(out.c_str() + start + 3);
}

int State(Context& ctx) {
  const auto events_path = ctx.flags.Str("events", "");
  const auto limit = ctx.flags.Int("limit", 500000);
  const auto db_bench = ctx.flags.Str("db-bench", "db_bench");
  EngineRunOptions options;
  options.partitions = static_cast<int32_t>(ctx.flags.Int("partitions", 16));
  options.state_dir = (ctx.workdir / "state").string();
  options.batch_messages = static_cast<size_t>(ctx.flags.Int("batch", 1000));
  options.write_per_partition = ctx.flags.Int("write-per-partition", 0) != 0;
  if (events_path.empty()) throw std::runtime_error("state needs --events");

  std::vector<kafka::ConsumedMessage> messages;
  {
    EventSource source(events_path);
    v1::AccountEvent e;
    while (static_cast<int64_t>(messages.size()) < limit && source.Next(&e)) {
      kafka::ConsumedMessage m;
      m.topic = kInput;
      m.key = e.account_id();
      m.value = e.SerializeAsString();
      messages.push_back(std::move(m));
    }
  }
  const auto stats = RunStateEngine(options, messages);
  const double puts_per_second = static_cast<double>(stats.account_puts) / stats.seconds;
  const int64_t value_size = stats.value_bytes / std::max<int64_t>(1, stats.account_puts);
  const int64_t key_size = stats.key_bytes / std::max<int64_t>(1, stats.account_puts);
  const int64_t batch = stats.account_puts / std::max<int64_t>(1, stats.writes);

  // RocksDB alone, same run: the same number of puts, value size, keys per
  // WriteBatch, memtable budget and block cache, WAL on, no fsync.
  const std::string cmd = db_bench + " --db=" + (ctx.workdir / "db_bench").string() +
                          " --benchmarks=fillrandom --num=" + std::to_string(stats.account_puts) +
                          " --value_size=" + std::to_string(value_size) + " --key_size=" + std::to_string(key_size) +
                          " --batch_size=" + std::to_string(std::max<int64_t>(1, batch)) +
                          " --write_buffer_size=" + std::to_string(options.write_buffer_bytes / 4) +
                          " --db_write_buffer_size=" + std::to_string(options.write_buffer_bytes) +
                          " --cache_size=" + std::to_string(options.block_cache_bytes) +
                          " --compression_type=snappy --sync=false --disable_wal=false --threads=1"
                          " --compression_ratio=0.5 --statistics=false";
  const double db_bench_ops = db_bench == "none" ? NAN : DbBenchOpsPerSecond(cmd);

  JsonLine j;
  j.Add("bench", "state_engine").Add("events", stats.events).Add("seconds", stats.seconds)
      .Add("events_per_second", static_cast<double>(stats.events) / stats.seconds)
      .Add("cpu_seconds", stats.cpu_seconds)
      .Add("events_per_cpu_second", static_cast<double>(stats.events) / stats.cpu_seconds)
      .Add("account_puts", stats.account_puts).Add("account_puts_per_second", puts_per_second)
      .Add("outbox_puts", stats.outbox_puts).Add("writes", stats.writes)
      .Add("value_bytes", value_size).Add("key_bytes", key_size).Add("puts_per_write", batch)
      .Add("db_bench_fillrandom_ops_per_second", db_bench_ops).Add("ratio", puts_per_second / db_bench_ops)
      .Add("db_bench_command", cmd);
  std::cout << j.str() << std::endl;
  return 0;
}

// ---- memory ----------------------------------------------------------------

EngineRunStats Build(Context& ctx, const fs::path& riskd_dir, int64_t accounts, int32_t partitions) {
  EngineRunOptions options;
  options.partitions = partitions;
  options.state_dir = (riskd_dir / "state").string();
  options.batch_messages = 20000;  // bigger batches than riskd's: fewer, larger writes
  fs::create_directories(riskd_dir);
  const auto stats = BuildState(options, accounts, static_cast<int>(ctx.flags.Int("events-per-account", 2)), kInput);
  std::fprintf(stderr, "built %lld accounts (%lld events) in %.1f s\n", static_cast<long long>(accounts),
               static_cast<long long>(stats.events), stats.seconds);
  return stats;
}

// `n` restamped logins of random accounts acct-0..acct-<accounts-1>.
void ProduceTouches(const std::string& bootstrap, int32_t partitions, int64_t accounts, int64_t n, uint64_t seed) {
  Producer producer(bootstrap, partitions, PreloadProps());
  std::mt19937_64 rng(seed);
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  for (int64_t i = 0; i < n; ++i) {
    const std::string account = "acct-" + std::to_string(rng() % accounts);
    auto e = it::SuccessfulLogin("touch-" + std::to_string(seed) + "-" + std::to_string(i), account,
                                 now - static_cast<int64_t>(rng() % 600) * scoring::kSecond,
                                 "laptop-" + std::to_string(rng() % 991), "198.51.100.7", 64500);
    producer.Produce(kInput, account, e.SerializeAsString());
    if (i % 10000 == 0) producer.Poll();
  }
  producer.Flush();
}

int Memory(Context& ctx) {
  const auto riskd_path = ctx.flags.Str("riskd", "");
  const auto script = ctx.flags.Str("wrk-script", "");
  const auto accounts = ctx.flags.Int("accounts", 100000);
  const auto touches = ctx.flags.Int("touch-events", 200000);
  const double wrk_seconds = ctx.flags.Real("seconds", 10);
  const auto partitions = static_cast<int32_t>(ctx.flags.Int("partitions", 16));
  if (riskd_path.empty() || script.empty()) throw std::runtime_error("memory needs --riskd and --wrk-script");
  setenv("RISKD_BINARY_OVERRIDE", riskd_path.c_str(), 1);

  const auto riskd_dir = ctx.workdir / "riskd";
  const auto built = Build(ctx, riskd_dir, accounts, partitions);
  auto cluster = StartCluster(partitions);
  const auto bootstrap = cluster->bootstrap();
  it::RiskdProcess riskd(riskd_dir, BaseConfig(bootstrap));
  riskd.Start();
  if (!it::WaitReady(riskd.metrics_port(), std::chrono::seconds(120))) {
    throw std::runtime_error("riskd not ready:\n" + riskd.Stderr());
  }
  const pid_t pid = PidOf(riskd);
  // Work that touches the whole key space: events through Kafka, then
  // evaluate requests for random accounts.
  ProduceTouches(bootstrap, partitions, accounts, touches, 1);
  CommitProbe probe(bootstrap, "riskd", kInput, partitions);
  if (!WaitCommitted(probe, touches, riskd, std::chrono::seconds(900))) {
    throw std::runtime_error("riskd did not catch up:\n" + riskd.Stderr());
  }
  const auto wrk = RunWrk(script, riskd.http_port(), 8, wrk_seconds,
                          {{"RISKD_TOKEN", kSupportToken}, {"RISKD_BENCH_ACCOUNT_COUNT", std::to_string(accounts)}});
  // riskd_accounts / riskd_state_bytes refresh every 10 s.
  std::this_thread::sleep_for(std::chrono::seconds(ctx.flags.Int("stats-wait-seconds", 11)));
  const auto mem = ReadProcessMemory(pid);
  const auto scrape = ScrapeMetrics(riskd.metrics_port());
  riskd.Terminate();
  const double state_bytes = scrape ? scrape->Sum("riskd_state_bytes") : NAN;

  JsonLine j;
  j.Add("bench", "memory").Add("accounts", accounts).Add("build_events", built.events)
      .Add("build_seconds", built.seconds).Add("touch_events", touches)
      .Add("peak_rss_bytes", mem.peak_rss).Add("rss_bytes", mem.rss)
      .Add("riskd_accounts_metric", scrape ? scrape->Sum("riskd_accounts") : NAN)
      .Add("state_bytes_metric", state_bytes).Add("state_bytes_per_account", state_bytes / accounts)
      .Add("state_dir_bytes", DirectoryBytes((riskd_dir / "state").string()))
      .Add("configured_block_cache_bytes", int64_t{64} << 20)
      .Add("configured_write_buffer_bytes", int64_t{64} << 20)
      .AddRaw("evaluate", wrk.json);
  std::cout << j.str() << std::endl;
  return 0;
}

// ---- recovery --------------------------------------------------------------

struct Startup {
  double healthz = NAN;   // HTTP up (state open)
  double assigned = NAN;  // the consumer group gave it its partitions
  double ready = NAN;     // /readyz 200: state open, partitions assigned and caught up
};

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

Startup TimeToReady(it::RiskdProcess& riskd) {
  const size_t assigned_before = Count(riskd.Stderr(), "\"partitions assigned\"");
  Startup s;
  const auto t0 = SteadyClock::now();
  riskd.Start();
  while (SecondsSince(t0) < 300 && riskd.Running()) {
    const auto r = it::HttpRequest(riskd.metrics_port(), "GET", "/readyz", "", {}, std::chrono::milliseconds(1000));
    if (r.status != 0 && std::isnan(s.healthz)) s.healthz = SecondsSince(t0);
    if (std::isnan(s.assigned) && Count(riskd.Stderr(), "\"partitions assigned\"") > assigned_before) {
      s.assigned = SecondsSince(t0);
    }
    if (r.status == 200) {
      s.ready = SecondsSince(t0);
      if (std::isnan(s.assigned)) s.assigned = s.ready;
      return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("riskd never became ready:\n" + riskd.Stderr());
}

void AddStartup(JsonLine& j, const std::string& prefix, const Startup& s) {
  j.Add(prefix + "_seconds", s.ready).Add(prefix + "_http_up_seconds", s.healthz)
      .Add(prefix + "_partitions_assigned_seconds", s.assigned);
}

int Recovery(Context& ctx) {
  const auto riskd_path = ctx.flags.Str("riskd", "");
  const auto accounts = ctx.flags.Int("accounts", 1000000);
  const auto touches = ctx.flags.Int("touch-events", 50000);
  const auto partitions = static_cast<int32_t>(ctx.flags.Int("partitions", 16));
  if (riskd_path.empty()) throw std::runtime_error("recovery needs --riskd");
  setenv("RISKD_BINARY_OVERRIDE", riskd_path.c_str(), 1);

  const auto riskd_dir = ctx.workdir / "riskd";
  Build(ctx, riskd_dir, accounts, partitions);
  auto cluster = StartCluster(partitions);
  const auto bootstrap = cluster->bootstrap();
  auto config = BaseConfig(bootstrap);
  // Static membership (kafka.instance_id): a restarted member takes its
  // partitions back without waiting for the group to expire the old one.
  const auto instance_id = ctx.flags.Str("instance-id", "");
  config.instance_id = instance_id;
  it::RiskdProcess riskd(riskd_dir, config);
  CommitProbe probe(bootstrap, "riskd", kInput, partitions);

  const auto first = TimeToReady(riskd);
  ProduceTouches(bootstrap, partitions, accounts, touches, 1);
  if (!WaitCommitted(probe, touches, riskd, std::chrono::seconds(600))) throw std::runtime_error("no catch-up");
  if (riskd.Terminate() != 0) throw std::runtime_error("riskd did not stop cleanly:\n" + riskd.Stderr());
  const auto clean = TimeToReady(riskd);

  // Work in flight, then SIGKILL: the restart replays from the stored offsets.
  ProduceTouches(bootstrap, partitions, accounts, touches, 2);
  WaitCommitted(probe, 2 * touches - touches / 2, riskd, std::chrono::seconds(600));
  riskd.Kill();
  const auto killed = TimeToReady(riskd);
  // Not waiting for the broker's committed offsets here: riskd commits them
  // after each batch it processes, so when the killed run had processed
  // everything but its last asynchronous broker commit, the group's offsets
  // stay behind until new input arrives (its own, in RocksDB, are right).
  riskd.Terminate();

  JsonLine j;
  j.Add("bench", "recovery").Add("accounts", accounts).Add("static_membership", !instance_id.empty());
  AddStartup(j, "first_start", first);
  AddStartup(j, "after_clean_stop", clean);
  AddStartup(j, "after_sigkill", killed);
  j.Add("session_timeout_ms", int64_t{10000});
  std::cout << j.str() << std::endl;
  return 0;
}

}  // namespace
}  // namespace riskd::bench

int main(int argc, char** argv) {
  using namespace riskd::bench;
  if (argc < 2) {
    std::fprintf(stderr, "usage: riskd_bench ingest|latency|api|state|memory|recovery --flag value …\n");
    return 2;
  }
  const std::string cmd = argv[1];
  try {
    Flags flags(argc, argv, 2);
    Context ctx{flags, flags.Str("workdir", (fs::temp_directory_path() / ("riskd-bench-" + std::to_string(getpid()))).string())};
    const bool keep = flags.Str("keep", "false") == "true";
    fs::create_directories(ctx.workdir);
    int rc = 2;
    auto run = [&](int (*fn)(Context&)) {
      rc = fn(ctx);
    };
    if (cmd == "ingest") run(Ingest);
    else if (cmd == "latency") run(Latency);
    else if (cmd == "api") run(Api);
    else if (cmd == "state") run(State);
    else if (cmd == "memory") run(Memory);
    else if (cmd == "recovery") run(Recovery);
    else std::fprintf(stderr, "unknown benchmark %s\n", cmd.c_str());
    for (const auto& u : flags.Unused()) std::fprintf(stderr, "warning: unused flag %s\n", u.c_str());
    if (!keep) fs::remove_all(ctx.workdir);
    return rc;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "riskd_bench %s: %s\n", cmd.c_str(), e.what());
    return 1;
  }
}
