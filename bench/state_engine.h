// riskd's state engine without Kafka: the pipeline's BatchProcessor (decode,
// apply with scoring's Engine, serialize) and StateStore::Commit (one
// RocksDB WriteBatch of states + offsets + outbox of every partition in the
// batch), driven the way the poll loop drives them: batches of
// `batch_messages` messages, split by partition, committed together.
//
// Two uses: the state-engine benchmark (its throughput against db_bench),
// and building a state directory of N accounts quickly for the memory and
// recovery benchmarks (ingesting 10 M accounts through Kafka would take
// hours on the 2-core machine; this is the same code riskd runs per batch,
// minus the consumer).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/kafka/message.h"

namespace riskd::bench {

struct EngineRunStats {
  int64_t events = 0;
  int64_t writes = 0;         // WriteBatches committed
  int64_t account_puts = 0;   // account records written
  int64_t outbox_puts = 0;
  int64_t value_bytes = 0;    // sum of account record sizes
  int64_t key_bytes = 0;      // sum of account key sizes
  int64_t rejected = 0;
  double seconds = 0;         // process + commit only
  double cpu_seconds = 0;     // of this process meanwhile (RocksDB's flushes and compactions too)
};

struct EngineRunOptions {
  std::string state_dir;
  int32_t partitions = 16;
  size_t batch_messages = 1000;  // kafka.batch_max_messages' default
  // One WriteBatch per partition instead of one per poll batch (how riskd
  // committed before 2026-11-28): for comparing the two.
  bool write_per_partition = false;
  // riskd's defaults (state.block_cache_bytes, state.write_buffer_bytes).
  size_t block_cache_bytes = 64u << 20;
  size_t write_buffer_bytes = 64u << 20;
};

// Applies `messages` (key, value, topic set; partition and offset are
// assigned here) and commits them, timing only the engine.
EngineRunStats RunStateEngine(const EngineRunOptions& options, std::vector<kafka::ConsumedMessage>& messages);

// Writes `accounts` accounts (acct-<i>, `events_per_account` recent events
// each: logins from a home laptop and a phone) into `options.state_dir`,
// in the partitions librdkafka's default partitioner gives their ids, with
// next offset 0 for `topic` in every partition (nothing consumed yet).
EngineRunStats BuildState(const EngineRunOptions& options, int64_t accounts, int events_per_account,
                          const std::string& topic);

}  // namespace riskd::bench
