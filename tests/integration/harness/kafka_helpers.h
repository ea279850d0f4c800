// Kafka clients for end-to-end tests, all real librdkafka clients talking to
// the mock cluster over loopback: a producer, a reader that tails whole
// topics without joining a group, and the group's committed offsets (riskd
// commits after each durable batch, so committed == high watermark means
// "everything produced so far is in riskd's state").
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/kafka/message.h"
#include "daemon/kafka/producer.h"

typedef struct rd_kafka_s rd_kafka_t;

namespace riskd::it {

class TestProducer final : public kafka::DeliveryListener {
 public:
  // `extra`: additional properties (compression.type, …).
  explicit TestProducer(const std::string& bootstrap, kafka::Properties extra = {});
  void Produce(const std::string& topic, const std::string& key, const std::string& value,
               const std::vector<kafka::Header>& headers = {});
  // To an explicit partition.
  void ProduceTo(const std::string& topic, int32_t partition, const std::string& key, const std::string& value,
                 const std::vector<kafka::Header>& headers = {});
  // Waits for every delivery; returns the number that failed since creation.
  int Flush();
  void OnDelivery(uint64_t token, std::string_view error) override;

 private:
  std::unique_ptr<kafka::Producer> producer_;
  std::mutex mu_;
  int failed_ = 0;
  uint64_t next_token_ = 0;
};

// Reads every partition of `topic` from the beginning.
class TopicReader {
 public:
  TopicReader(const std::string& bootstrap, const std::string& topic);
  ~TopicReader();
  // Polls for up to `timeout`, appending to messages(); stops early once
  // `done(messages())` holds. Returns whether it held.
  bool ReadUntil(const std::function<bool(const std::vector<kafka::ConsumedMessage>&)>& done,
                 std::chrono::milliseconds timeout);
  const std::vector<kafka::ConsumedMessage>& messages() const { return messages_; }

 private:
  rd_kafka_t* rk_ = nullptr;
  std::vector<kafka::ConsumedMessage> messages_;
};

// Partition -> low watermark of `topic` (> 0: the mock dropped old records).
std::map<int32_t, int64_t> LowWatermarks(const std::string& bootstrap, const std::string& topic);
// Partition -> high watermark of `topic`.
std::map<int32_t, int64_t> HighWatermarks(const std::string& bootstrap, const std::string& topic);
// Partition -> the group's committed next offset (missing: none).
std::map<int32_t, int64_t> GroupCommitted(const std::string& bootstrap, const std::string& group,
                                          const std::string& topic);
// Waits until the group's committed offsets reach the high watermarks.
bool WaitCaughtUp(const std::string& bootstrap, const std::string& group, const std::string& topic,
                  std::chrono::seconds timeout);

// Waits until every one of `partitions` partitions of `changelog` holds
// records other than owners' claims (each instance has published some of
// its partitions' state).
bool WaitChangelogPublished(const std::string& bootstrap, const std::string& changelog, int partitions,
                            std::chrono::seconds timeout);

std::string HeaderValue(const kafka::ConsumedMessage& m, const std::string& name);

}  // namespace riskd::it
