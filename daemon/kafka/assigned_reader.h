// Reads some partitions of one topic with a plain assigned consumer (no
// group membership, no commits), the set of partitions changing while it
// runs: the standby follower (daemon/pipeline/standby.h) tails the
// changelog partitions this instance follows with one of these, instead of
// one librdkafka client (and its threads) per partition.
//
// An offset that is no longer in the log is reported as an error of its
// partition (auto.offset.reset=error), never silently skipped.
//
// Not thread-safe; one thread uses it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "daemon/kafka/kafka_options.h"
#include "daemon/kafka/message.h"
#include "scoring/result.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace riskd::kafka {

struct AssignedPoll {
  std::vector<ConsumedMessage> messages;
  // Partitions that reached the end of the log, with the end offset.
  std::vector<std::pair<int32_t, int64_t>> eof;
  // Partitions whose position failed (the offset is gone, the partition is
  // unknown), with the error.
  std::vector<std::pair<int32_t, std::string>> errors;
};

class AssignedReader {
 public:
  // `properties`: the connection properties (kafka.properties; group and
  // commit settings are overridden); `client` names it in logs.
  static Result<std::unique_ptr<AssignedReader>> Create(const Properties& properties, const std::string& topic,
                                                        const std::string& client,
                                                        std::chrono::milliseconds broker_timeout);
  ~AssignedReader();
  AssignedReader(const AssignedReader&) = delete;
  AssignedReader& operator=(const AssignedReader&) = delete;

  // Reads exactly these partitions from these offsets (replaces the whole
  // assignment; messages of partitions no longer assigned are not returned
  // any more, and the caller skips what it already had).
  Status Assign(const std::map<int32_t, int64_t>& next_offsets);
  // Low and high watermark of `partition`, asked of the broker.
  Result<std::pair<int64_t, int64_t>> Watermarks(int32_t partition);
  // The high watermark the last fetch response carried (no broker call);
  // nullopt before the first.
  std::optional<int64_t> CachedHighWatermark(int32_t partition);
  // Up to `max` messages, waiting at most `wait` for the first.
  AssignedPoll Poll(size_t max, std::chrono::milliseconds wait);

 private:
  AssignedReader() = default;
  rd_kafka_t* rk_ = nullptr;
  std::string topic_;
  std::chrono::milliseconds broker_timeout_{10'000};
};

}  // namespace riskd::kafka
