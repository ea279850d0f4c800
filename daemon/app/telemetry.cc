#include "daemon/app/telemetry.h"

#include <algorithm>
#include <vector>

#include "daemon/kafka/client_stats.h"
#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"
#include "daemon/store/state_store.h"

namespace riskd::app {
namespace {

using SteadyClock = std::chrono::steady_clock;

}  // namespace

Telemetry::Telemetry(store::StateStore& store, metrics::Metrics& metrics, std::function<bool()> ready,
                     TelemetryOptions options)
    : store_(store), metrics_(metrics), ready_(std::move(ready)), options_(options) {}

Telemetry::~Telemetry() { Stop(); }

void Telemetry::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void Telemetry::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Telemetry::OnStatistics(std::string_view client, std::string json) {
  // On the client's polling thread: only hand the text over. An older
  // document not parsed yet is replaced, so the backlog is one per client.
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    pending_[std::string(client)] = std::move(json);
  }
  wake_.notify_one();
}

void Telemetry::OnClientError(std::string_view client, std::string_view reason, std::string_view message,
                              bool fatal) {
  metrics_.KafkaClientError(client, reason);
  std::string key(client);
  key += ' ';
  key += reason;
  errors_log_.Write(fatal ? log::Level::kError : log::Level::kWarn, key,
                    fatal ? "fatal Kafka client error" : "Kafka client error",
                    {{"client", client}, {"reason", reason}, {"error", message}});
}

void Telemetry::Run() {
  auto next_store = SteadyClock::now();
  auto next_accounts = SteadyClock::now();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    std::map<std::string, std::string> pending;
    pending.swap(pending_);
    lock.unlock();

    for (const auto& [client, json] : pending) ApplyStatistics(client, json);
    metrics_.SetReady(ready_());
    const auto now = SteadyClock::now();
    if (now >= next_store) {
      next_store = now + options_.store_every;
      RefreshStore();
    }
    if (now >= next_accounts) {
      const auto start = SteadyClock::now();
      RefreshAccounts();
      const auto took = SteadyClock::now() - start;
      next_accounts = SteadyClock::now() + std::max<SteadyClock::duration>(options_.accounts_min_every,
                                                                           took * options_.accounts_cost_factor);
    }
    errors_log_.Tick();

    lock.lock();
    wake_.wait_for(lock, options_.tick, [this] { return stopping_ || !pending_.empty(); });
  }
}

void Telemetry::ApplyStatistics(const std::string& client, const std::string& json) {
  auto stats = kafka::ParseClientStats(json);
  if (!stats) {
    log::Debug("kafka", "statistics not understood", {{"client", client}, {"error", stats.error().message}});
    return;
  }
  if (client == "consumer") {
    std::map<std::pair<std::string, int32_t>, int64_t> lags;
    for (const auto& l : stats->lags) lags[{l.topic, l.partition}] = l.messages;
    metrics_.SetConsumerLags(lags);
  }
  std::vector<metrics::KafkaBrokerState> brokers;
  for (const auto& b : stats->brokers) brokers.push_back({b.name, b.up});
  metrics_.SetKafkaBrokers(client, brokers);
}

void Telemetry::RefreshStore() {
  const auto s = store_.Stats();
  metrics_.SetStateBytes(s.state_bytes);
  metrics::RocksDbFigures f;
  f.live_data_bytes = s.live_data_bytes;
  f.pending_compaction_bytes = s.pending_compaction_bytes;
  f.memtable_bytes = s.memtable_bytes;
  f.block_cache_usage_bytes = s.block_cache_usage_bytes;
  f.block_cache_pinned_bytes = s.block_cache_pinned_bytes;
  f.block_cache_capacity_bytes = s.block_cache_capacity_bytes;
  f.write_stopped = s.write_stopped;
  f.delayed_write_rate_bytes = s.delayed_write_rate_bytes;
  f.write_slowdowns = s.write_slowdowns;
  f.write_stops = s.write_stops;
  f.write_stall_micros = s.write_stall_micros;
  f.background_errors = s.background_errors;
  const store::StorageHealth health = store_.Health();
  f.storage_writable = health.writable;
  f.disk_free_bytes = health.free_bytes;
  metrics_.SetRocksDb(f);
}

void Telemetry::RefreshAccounts() {
  auto n = store_.CountAccounts();
  if (!n) {
    log::Warn("store", "cannot count accounts", {{"error", n.error().message}});
    return;
  }
  metrics_.SetAccounts(*n);
}

}  // namespace riskd::app
