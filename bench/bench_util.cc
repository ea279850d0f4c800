#include "bench/bench_util.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include <librdkafka/rdkafka.h>

#include "daemon/codec/json.h"
#include "daemon/kafka/partitioner.h"
#include "daemon/tools/record_io.h"
#include "tests/integration/harness/http_client.h"

namespace riskd::bench {

double SecondsSince(SteadyClock::time_point t0) {
  return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

// ---- flags -----------------------------------------------------------------

Flags::Flags(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || i + 1 >= argc) throw std::runtime_error("expected --name value, got " + a);
    values_[a.substr(2)] = argv[++i];
  }
}

std::string Flags::Str(const std::string& name, const std::string& def) const {
  auto it = values_.find(name);
  if (it == values_.end()) return def;
  used_[name] = true;
  return it->second;
}

int64_t Flags::Int(const std::string& name, int64_t def) const {
  auto s = Str(name, "");
  return s.empty() ? def : std::stoll(s);
}

double Flags::Real(const std::string& name, double def) const {
  auto s = Str(name, "");
  return s.empty() ? def : std::stod(s);
}

std::vector<std::string> Flags::Unused() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : values_) {
    if (!used_.count(k)) out.push_back("--" + k);
  }
  return out;
}

// ---- JSON ------------------------------------------------------------------

JsonLine& JsonLine::AddRaw(const std::string& key, const std::string& json) {
  if (!body_.empty()) body_ += ",";
  body_ += "\"" + key + "\":" + json;
  return *this;
}

JsonLine& JsonLine::Add(const std::string& key, const std::string& value) {
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    quoted += c;
  }
  return AddRaw(key, quoted + "\"");
}

JsonLine& JsonLine::Add(const std::string& key, double value) {
  if (!std::isfinite(value)) return AddRaw(key, "null");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return AddRaw(key, buf);
}

JsonLine& JsonLine::Add(const std::string& key, int64_t value) { return AddRaw(key, std::to_string(value)); }
JsonLine& JsonLine::Add(const std::string& key, bool value) { return AddRaw(key, value ? "true" : "false"); }

double Percentile(std::vector<double>& values, double q) {
  if (values.empty()) return NAN;
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::min(values.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// ---- Prometheus ------------------------------------------------------------

double Scrape::Sum(const std::string& name) const {
  double sum = 0;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line.compare(0, name.size(), name) != 0) continue;
    const char next = line.size() > name.size() ? line[name.size()] : '\0';
    if (next != '{' && next != ' ') continue;
    sum += std::atof(line.c_str() + line.rfind(' ') + 1);
  }
  return sum;
}

std::optional<double> Scrape::HistogramQuantile(const std::string& name, double q,
                                                std::pair<double, double>* bucket) const {
  std::vector<std::pair<double, double>> buckets;  // upper bound, cumulative count
  const std::string prefix = name + "_bucket{";
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    const auto le = line.find("le=\"");
    if (le == std::string::npos) continue;
    const std::string bound = line.substr(le + 4, line.find('"', le + 4) - le - 4);
    const double upper = bound == "+Inf" ? INFINITY : std::atof(bound.c_str());
    buckets.emplace_back(upper, std::atof(line.c_str() + line.rfind(' ') + 1));
  }
  std::sort(buckets.begin(), buckets.end());
  if (buckets.empty() || buckets.back().second <= 0) return std::nullopt;
  const double rank = q * buckets.back().second;
  double lower = 0, below = 0;
  for (const auto& [upper, count] : buckets) {
    if (count >= rank) {
      if (bucket) *bucket = {lower, upper};
      if (std::isinf(upper)) return lower;  // Prometheus answers the highest finite bound
      return lower + (upper - lower) * (count > below ? (rank - below) / (count - below) : 1.0);
    }
    lower = upper;
    below = count;
  }
  return std::nullopt;
}

std::optional<Scrape> ScrapeMetrics(int port) {
  auto r = it::HttpRequest(port, "GET", "/metrics");
  if (r.status != 200) return std::nullopt;
  return Scrape{std::move(r.body)};
}

// ---- processes -------------------------------------------------------------

ProcessMemory ReadProcessMemory(pid_t pid) {
  ProcessMemory m;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) m.rss = std::atoll(line.c_str() + 6) * 1024;
    if (line.rfind("VmHWM:", 0) == 0) m.peak_rss = std::atoll(line.c_str() + 6) * 1024;
  }
  return m;
}

double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double ticks = 0;
  // Fields after the command: state(3) … utime(14) stime(15).
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::atof(f.c_str());
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

int64_t DirectoryBytes(const std::string& dir) {
  int64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += static_cast<int64_t>(e.file_size(ec));
  }
  return total;
}

// ---- events ----------------------------------------------------------------

struct EventSource::Impl {
  std::unique_ptr<tools::RecordReader> reader;
};

EventSource::EventSource(const std::string& path) : impl_(new Impl) {
  auto format = tools::FormatForPath(path);
  if (!format) throw std::runtime_error(format.error().message);
  auto reader = tools::RecordReader::Open(path, *format);
  if (!reader) throw std::runtime_error(reader.error().message);
  impl_->reader = std::move(*reader);
}

EventSource::~EventSource() { delete impl_; }

bool EventSource::Next(v1::AccountEvent* event) {
  auto record = impl_->reader->Next();
  if (!record) throw std::runtime_error(record.error().message);
  if (!record->has_value()) return false;
  const std::string_view bytes = **record;
  if (!event->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    throw std::runtime_error("events file: a record is not an AccountEvent");
  }
  return true;
}

std::string EncodeEvent(const v1::AccountEvent& event, const std::string& format) {
  return format == "json" ? codec::ToJson(event) : event.SerializeAsString();
}

void StampNow(v1::AccountEvent* event) {
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
  event->mutable_occurred_at()->set_seconds(now / 1'000'000);
  event->mutable_occurred_at()->set_nanos(static_cast<int32_t>(now % 1'000'000) * 1000);
}

// ---- Kafka -----------------------------------------------------------------

namespace {

rd_kafka_conf_t* BaseConf(const std::string& bootstrap,
                          const std::vector<std::pair<std::string, std::string>>& props) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& k, const std::string& v) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      throw std::runtime_error("kafka property " + k + ": " + err);
    }
  };
  set("bootstrap.servers", bootstrap);
  set("log_level", "3");
  for (const auto& [k, v] : props) set(k, v);
  return conf;
}

rd_kafka_t* NewClient(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!rk) throw std::runtime_error(std::string("kafka client: ") + err);
  return rk;
}

void CountFailures(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<int64_t*>(opaque);
}

int64_t g_failed_deliveries = 0;

}  // namespace

Producer::Producer(const std::string& bootstrap, int32_t partitions,
                   const std::vector<std::pair<std::string, std::string>>& extra)
    : partitions_(partitions), send_times_(partitions) {
  auto props = extra;
  props.emplace_back("enable.idempotence", "true");  // per-partition order: offset = order produced
  rd_kafka_conf_t* conf = BaseConf(bootstrap, props);
  rd_kafka_conf_set_opaque(conf, &g_failed_deliveries);
  rd_kafka_conf_set_dr_msg_cb(conf, &CountFailures);
  rk_ = NewClient(RD_KAFKA_PRODUCER, conf);
}

Producer::~Producer() { rd_kafka_destroy(rk_); }

int32_t Producer::Produce(const std::string& topic, const std::string& key, const std::string& value) {
  const int32_t p = kafka::PartitionForKey(kafka::Partitioner::kConsistentRandom, key, partitions_);
  for (;;) {
    auto e = rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(p),
                               RD_KAFKA_V_KEY(key.data(), key.size()),
                               RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                               RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (e == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (e != RD_KAFKA_RESP_ERR__QUEUE_FULL) throw std::runtime_error(std::string("produce: ") + rd_kafka_err2str(e));
    rd_kafka_poll(rk_, 10);
  }
  if (record_) send_times_[p].push_back(SteadyClock::now());
  return p;
}

void Producer::Poll() { rd_kafka_poll(rk_, 0); }

int64_t Producer::Flush() {
  while (rd_kafka_outq_len(rk_) > 0) rd_kafka_flush(rk_, 1000);
  return g_failed_deliveries;
}

CommitProbe::CommitProbe(const std::string& bootstrap, const std::string& group, const std::string& topic,
                         int32_t partitions)
    : topic_(topic), partitions_(partitions) {
  // Never subscribes: only asks the coordinator for the group's offsets.
  rk_ = NewClient(RD_KAFKA_CONSUMER, BaseConf(bootstrap, {{"group.id", group}, {"enable.auto.commit", "false"}}));
}

CommitProbe::~CommitProbe() { rd_kafka_destroy(rk_); }

std::vector<int64_t> CommitProbe::Committed() {
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions_);
  for (int p = 0; p < partitions_; ++p) rd_kafka_topic_partition_list_add(list, topic_.c_str(), p);
  std::vector<int64_t> out;
  if (rd_kafka_committed(rk_, list, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    out.assign(partitions_, 0);
    for (int i = 0; i < list->cnt; ++i) {
      if (list->elems[i].offset >= 0) out[list->elems[i].partition] = list->elems[i].offset;
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  return out;
}

int64_t CommitProbe::Total(const std::vector<int64_t>& committed) {
  int64_t sum = 0;
  for (auto c : committed) sum += c;
  return sum;
}

std::optional<double> BareConsume(const std::string& bootstrap, const std::string& topic, int32_t partitions,
                                  int64_t expected, std::chrono::seconds timeout) {
  rd_kafka_t* rk = NewClient(RD_KAFKA_CONSUMER, BaseConf(bootstrap, {{"group.id", "bench-bare-consumer"},
                                                                    {"enable.auto.commit", "false"}}));
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  const auto deadline = SteadyClock::now() + timeout;
  int64_t seen = 0;
  SteadyClock::time_point first{}, last{};
  while (seen < expected && SteadyClock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (seen++ == 0) first = SteadyClock::now();
      last = SteadyClock::now();
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  if (seen < expected) return std::nullopt;
  return std::chrono::duration<double>(last - first).count();
}

}  // namespace riskd::bench
