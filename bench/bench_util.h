// What every riskd benchmark needs besides riskd itself: flags, the JSON
// summary line, percentiles, Prometheus text parsing, process memory, and
// plain librdkafka clients (a producer that knows where each message went
// and when, a probe of the group's committed offsets, a bare consumer that
// is the baseline of the ingest benchmark).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

#include "riskd/v1/account_event.pb.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace riskd::bench {

using SteadyClock = std::chrono::steady_clock;

double SecondsSince(SteadyClock::time_point t0);

// --name value flags; a flag given twice keeps the last value.
class Flags {
 public:
  Flags(int argc, char** argv, int first);
  std::string Str(const std::string& name, const std::string& def) const;
  int64_t Int(const std::string& name, int64_t def) const;
  double Real(const std::string& name, double def) const;
  // Names given but never asked for (typos): the caller refuses them.
  std::vector<std::string> Unused() const;

 private:
  std::map<std::string, std::string> values_;
  mutable std::map<std::string, bool> used_;
};

// One flat JSON object, printed as the last line of a benchmark.
class JsonLine {
 public:
  JsonLine& Add(const std::string& key, const std::string& value);
  JsonLine& Add(const std::string& key, const char* value) { return Add(key, std::string(value)); }
  JsonLine& Add(const std::string& key, double value);
  JsonLine& Add(const std::string& key, int64_t value);
  JsonLine& Add(const std::string& key, int value) { return Add(key, static_cast<int64_t>(value)); }
  JsonLine& Add(const std::string& key, bool value);
  JsonLine& AddRaw(const std::string& key, const std::string& json);
  std::string str() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

// The q-quantile (0..1) of `values` (sorted in place), nearest rank.
double Percentile(std::vector<double>& values, double q);

// Prometheus text format, enough for riskd's own /metrics.
struct Scrape {
  std::string text;
  // Sum of every sample of `name` (all label sets).
  double Sum(const std::string& name) const;
  // histogram_quantile(q, `name`): linear within the bucket, as Prometheus
  // does; nullopt without observations. `resolution` gets the bucket's
  // bounds the answer lies in.
  std::optional<double> HistogramQuantile(const std::string& name, double q,
                                          std::pair<double, double>* bucket = nullptr) const;
};
std::optional<Scrape> ScrapeMetrics(int port);

// VmRSS and VmHWM (peak) of a process, in bytes (0 if unknown).
struct ProcessMemory {
  int64_t rss = 0;
  int64_t peak_rss = 0;
};
ProcessMemory ReadProcessMemory(pid_t pid);
// User + system CPU seconds of a process so far.
double ProcessCpuSeconds(pid_t pid);
// Bytes of every file under `dir`.
int64_t DirectoryBytes(const std::string& dir);

// The generated events (riskctl generate .pb), one at a time.
class EventSource {
 public:
  explicit EventSource(const std::string& path);
  ~EventSource();
  // The next event, or false at the end of the file.
  bool Next(v1::AccountEvent* event);

 private:
  struct Impl;
  Impl* impl_;
};

// Encodes `event` as riskd's input in `format` ("protobuf" or "json").
std::string EncodeEvent(const v1::AccountEvent& event, const std::string& format);
// Sets occurredAt to the wall clock's now (latency runs: event time ->
// committed then measures riskd, not the generator's calendar).
void StampNow(v1::AccountEvent* event);

// A librdkafka producer that picks the partition itself (librdkafka's
// default partitioner, CRC32 of the key) and remembers when each message was
// handed over, per partition in offset order.
class Producer {
 public:
  // `extra`: librdkafka properties (compression.type, linger.ms, …).
  Producer(const std::string& bootstrap, int32_t partitions,
           const std::vector<std::pair<std::string, std::string>>& extra);
  ~Producer();
  // Blocks while the local queue is full.
  int32_t Produce(const std::string& topic, const std::string& key, const std::string& value);
  // Waits for every delivery; returns the number that failed.
  int64_t Flush();
  void Poll();
  // send times of partition p's messages, in the order produced.
  std::vector<std::vector<SteadyClock::time_point>>& send_times() { return send_times_; }
  void set_record_send_times(bool on) { record_ = on; }

 private:
  rd_kafka_t* rk_ = nullptr;
  int32_t partitions_;
  bool record_ = false;
  std::vector<std::vector<SteadyClock::time_point>> send_times_;
};

// The consumer group's committed offsets, asked through one long-lived
// client (cheap enough to ask often).
class CommitProbe {
 public:
  CommitProbe(const std::string& bootstrap, const std::string& group, const std::string& topic, int32_t partitions);
  ~CommitProbe();
  // Partition -> committed next offset (0 when none yet); empty on error.
  std::vector<int64_t> Committed();
  static int64_t Total(const std::vector<int64_t>& committed);

 private:
  rd_kafka_t* rk_ = nullptr;
  std::string topic_;
  int32_t partitions_;
};

// The ingest baseline: a librdkafka consumer with default settings reading
// `expected` messages of every partition of `topic` from the beginning and
// doing nothing with them. Returns the seconds from the first message to
// the last (nullopt if they did not all arrive within `timeout`).
std::optional<double> BareConsume(const std::string& bootstrap, const std::string& topic, int32_t partitions,
                                  int64_t expected, std::chrono::seconds timeout);

}  // namespace riskd::bench
