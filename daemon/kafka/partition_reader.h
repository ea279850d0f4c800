// Reads one partition of one topic with a plain assigned consumer: no
// group membership, no commits. The restore of a partition's state from
// the changelog (daemon/pipeline/restorer.h) reads with it, on its own
// thread, never on the poll thread.
//
// Not thread-safe; one thread uses it.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "daemon/kafka/kafka_options.h"
#include "daemon/kafka/message.h"
#include "scoring/result.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace riskd::kafka {

class PartitionReader {
 public:
  // `properties`: the connection properties (kafka.properties; group and
  // commit settings are overridden). Starts at `offset` (kOffsetBeginning:
  // the first message still there).
  static Result<std::unique_ptr<PartitionReader>> Create(const Properties& properties, const std::string& topic,
                                                         int32_t partition, int64_t offset,
                                                         std::chrono::milliseconds broker_timeout);
  ~PartitionReader();
  PartitionReader(const PartitionReader&) = delete;
  PartitionReader& operator=(const PartitionReader&) = delete;

  // Low and high watermark, asked of the broker.
  Result<std::pair<int64_t, int64_t>> Watermarks();
  // Up to `max` messages, waiting at most `wait`; `*eof` is set when the
  // reader has reached the end of the partition as it was when it got
  // there (librdkafka's partition EOF).
  std::vector<ConsumedMessage> Poll(size_t max, std::chrono::milliseconds wait, bool* eof);

 private:
  PartitionReader() = default;
  rd_kafka_t* rk_ = nullptr;
  std::string topic_;
  int32_t partition_ = 0;
  std::chrono::milliseconds broker_timeout_{10'000};
};

}  // namespace riskd::kafka
