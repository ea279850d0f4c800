// The parts of librdkafka's statistics JSON (STATISTICS.md of librdkafka)
// that riskd exports: per assigned partition the consumer lag, and per
// broker whether the connection is up. Parsing is a pure function of the
// text, done off the polling thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/result.h"

namespace riskd::kafka {

struct PartitionLag {
  std::string topic;
  int32_t partition = 0;
  // Messages between the group's committed offset and the partition's end
  // (the last stable offset under read_committed, librdkafka's default,
  // else the high watermark): librdkafka's consumer_lag. Before this member
  // has committed anything, measured from its fetch position instead.
  int64_t messages = 0;
};

struct BrokerState {
  std::string name;  // "host:port/nodeid"
  bool up = false;   // state "UP"
};

struct ClientStats {
  // Partitions assigned to this consumer (librdkafka's "desired") whose
  // end offset is known; empty for a producer.
  std::vector<PartitionLag> lags;
  // Brokers of the cluster (known node ids; bootstrap placeholders and
  // logical brokers such as the group coordinator are left out).
  std::vector<BrokerState> brokers;
};

Result<ClientStats> ParseClientStats(std::string_view json);

// librdkafka's error name in lower case without the leading underscore of
// local errors: "msg_timed_out", "all_brokers_down", "topic_authorization_failed".
std::string ErrorReason(int rd_kafka_resp_err);

}  // namespace riskd::kafka
