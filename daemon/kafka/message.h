// Messages as riskd's Kafka layer hands them over: owning copies, so that
// nothing of librdkafka's memory outlives a poll.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace riskd::kafka {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  friend bool operator<(const TopicPartition& a, const TopicPartition& b) {
    return std::tie(a.partition, a.topic) < std::tie(b.partition, b.topic);
  }
  friend bool operator==(const TopicPartition& a, const TopicPartition& b) {
    return a.partition == b.partition && a.topic == b.topic;
  }
};

using Header = std::pair<std::string, std::string>;

struct ConsumedMessage {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  bool has_key = false;
  std::string key;
  std::string value;
  bool null_value = false;  // a null value (a tombstone), not an empty one
  std::vector<Header> headers;
  int64_t timestamp_ms = -1;  // broker/producer timestamp, -1 when absent
  std::chrono::steady_clock::time_point received;  // when riskd polled it
};

// Beginning of the partition: where a partition never seen before starts.
inline constexpr int64_t kOffsetBeginning = -2;

}  // namespace riskd::kafka
