#include "bench/state_engine.h"

#include <map>
#include <memory>
#include <stdexcept>

#include <unistd.h>

#include "bench/bench_util.h"
#include "daemon/clock/clock.h"
#include "daemon/kafka/partitioner.h"
#include "daemon/pipeline/batch_processor.h"
#include "daemon/store/state_store.h"
#include "scoring/engine.h"
#include "tests/integration/harness/events.h"

namespace riskd::bench {
namespace {

struct Engine {
  SystemClock clock;
  std::unique_ptr<store::StateStore> store;
  pipeline::PipelineOptions pipeline_options;
  pipeline::ScoringSnapshot scoring{std::make_shared<const scoring::Engine>(
                                        std::make_shared<const scoring::ScoringConfig>()),
                                    "bench"};
  std::unique_ptr<pipeline::BatchProcessor> processor;
  std::map<int32_t, int64_t> next_offset;
  bool write_per_partition = false;

  explicit Engine(const EngineRunOptions& o) {
    store::StoreOptions so;
    so.dir = o.state_dir;
    so.clock = &clock;
    so.block_cache_bytes = o.block_cache_bytes;
    so.write_buffer_bytes = o.write_buffer_bytes;
    auto opened = store::StateStore::Open(so);
    if (!opened) throw std::runtime_error(opened.error().message);
    store = std::move(*opened);
    for (int32_t p = 0; p < o.partitions; ++p) {
      if (auto s = store->AddPartition(p); !s) throw std::runtime_error(s.error().message);
    }
    processor = std::make_unique<pipeline::BatchProcessor>(*store, pipeline_options);
    write_per_partition = o.write_per_partition;
  }

  // One poll batch: split by partition, process each part, commit them all
  // in one write (as Pipeline::ProcessBatch does).
  void Batch(std::vector<const kafka::ConsumedMessage*>& batch, EngineRunStats& stats) {
    std::map<int32_t, std::vector<const kafka::ConsumedMessage*>> by_partition;
    for (const auto* m : batch) by_partition[m->partition].push_back(m);
    const auto now = clock.NowMicros();
    std::vector<pipeline::BatchResult> results;
    for (const auto& [p, messages] : by_partition) {
      auto result = processor->Process(p, messages, scoring, now);
      if (!result) throw std::runtime_error(result.error().message);
      results.push_back(std::move(*result));
    }
    if (write_per_partition) {
      for (const auto& r : results) {
        if (auto s = store->Commit(r.write); !s) throw std::runtime_error(s.error().message);
        ++stats.writes;
      }
    } else {
      std::vector<const store::PartitionWrite*> writes;
      for (const auto& r : results) writes.push_back(&r.write);
      if (auto s = store->Commit(writes); !s) throw std::runtime_error(s.error().message);
      ++stats.writes;
    }
    for (const auto& r : results) {
      stats.account_puts += static_cast<int64_t>(r.write.accounts.size());
      stats.outbox_puts += static_cast<int64_t>(r.write.outbox.size());
      for (const auto& [id, record] : r.write.accounts) {
        stats.key_bytes += static_cast<int64_t>(id.size()) + 1;
        stats.value_bytes += static_cast<int64_t>(record.state.size()) + 8;
      }
      for (const auto& [reason, n] : r.outcome.rejected) stats.rejected += n;
    }
    stats.events += static_cast<int64_t>(batch.size());
    batch.clear();
  }
};

}  // namespace

EngineRunStats RunStateEngine(const EngineRunOptions& options, std::vector<kafka::ConsumedMessage>& messages) {
  std::vector<int64_t> offsets(options.partitions, 0);
  for (auto& m : messages) {
    m.partition = kafka::PartitionForKey(kafka::Partitioner::kConsistentRandom, m.key, options.partitions);
    m.offset = offsets[m.partition]++;
    m.has_key = true;
  }
  Engine engine(options);
  EngineRunStats stats;
  std::vector<const kafka::ConsumedMessage*> batch;
  const auto t0 = SteadyClock::now();
  const double cpu0 = ProcessCpuSeconds(::getpid());
  for (const auto& m : messages) {
    batch.push_back(&m);
    if (batch.size() == options.batch_messages) engine.Batch(batch, stats);
  }
  if (!batch.empty()) engine.Batch(batch, stats);
  stats.seconds = SecondsSince(t0);
  stats.cpu_seconds = ProcessCpuSeconds(::getpid()) - cpu0;
  return stats;
}

EngineRunStats BuildState(const EngineRunOptions& options, int64_t accounts, int events_per_account,
                          const std::string& topic) {
  Engine engine(options);
  EngineRunStats stats;
  const auto now = engine.clock.NowMicros();
  std::vector<kafka::ConsumedMessage> chunk;
  std::vector<const kafka::ConsumedMessage*> batch;
  const auto t0 = SteadyClock::now();
  for (int64_t first = 0; first < accounts;) {
    chunk.clear();
    for (; first < accounts && chunk.size() + events_per_account <= options.batch_messages; ++first) {
      const std::string account = "acct-" + std::to_string(first);
      const int32_t p = kafka::PartitionForKey(kafka::Partitioner::kConsistentRandom, account, options.partitions);
      for (int e = 0; e < events_per_account; ++e) {
        const bool phone = e % 2 == 1;
        // Spread over the last few days, oldest first.
        const auto at = now - (events_per_account - e) * 7 * scoring::kHour - (first % 3600) * scoring::kSecond;
        auto event = it::SuccessfulLogin(account + "-ev-" + std::to_string(e), account, at,
                                         phone ? "phone-" + std::to_string(first % 997) : "laptop-" + std::to_string(first % 991),
                                         phone ? "203.0.113." + std::to_string(first % 250) : "198.51.100." + std::to_string(first % 250),
                                         phone ? 64510 : 64500);
        kafka::ConsumedMessage m;
        m.topic = topic;
        m.partition = p;
        m.offset = -1;  // BatchProcessor stores offset + 1: next offset 0, nothing consumed
        m.has_key = true;
        m.key = account;
        m.value = event.SerializeAsString();
        chunk.push_back(std::move(m));
      }
    }
    for (const auto& m : chunk) batch.push_back(&m);
    engine.Batch(batch, stats);
  }
  if (auto s = engine.store->CompactAll(); !s) throw std::runtime_error(s.error().message);
  stats.seconds = SecondsSince(t0);
  return stats;
}

}  // namespace riskd::bench
