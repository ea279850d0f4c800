// The input side: a consumer-group member over kafka.input_topics with the
// cooperative-sticky assignor. Offsets are riskd's own (kept in RocksDB with
// the state): on assignment the RebalanceListener says where each partition
// starts, and broker commits are only for lag monitoring and for telling a
// new owner that it lacks state.
//
// Thread-safety: one thread (the pipeline's) calls everything; the listener
// is called on that thread, inside PollBatch or Close.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/kafka/kafka_options.h"
#include "daemon/kafka/message.h"
#include "daemon/log/rate_limit.h"
#include "scoring/result.h"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_topic_partition_list_s rd_kafka_topic_partition_list_t;
typedef struct rd_kafka_message_s rd_kafka_message_t;

namespace riskd::kafka {

struct StartPosition {
  int64_t offset = kOffsetBeginning;  // next offset to read
  bool paused = false;                // assign, but do not fetch yet
  // Not assigned to the fetcher at all yet: the listener does not know
  // where the partition starts (its state is being checked or restored)
  // and assigns it later with Consumer::Assign, at the offset it then
  // knows. A later Seek instead would race the fetcher's start (see
  // Consumer::Assign).
  bool deferred = false;
};

// An owning copy of a librdkafka message (consumer.cc).
ConsumedMessage CopyMessage(const rd_kafka_message_t* m);

class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  // Partitions newly assigned to this member; returns where each starts, in
  // the same order.
  virtual std::vector<StartPosition> OnAssigned(const std::vector<TopicPartition>& added) = 0;
  // Partitions taken away. Messages of them not yet handed out are dropped
  // (they were not processed, so their offsets were not advanced). `lost`:
  // the group moved on without us (session timeout); committing is futile.
  virtual void OnRevoked(const std::vector<TopicPartition>& revoked, bool lost) = 0;
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> Create(const ConsumerOptions& options, RebalanceListener* listener);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // The common partition count of the input topics, or an error naming each
  // topic and its count when they differ (or a topic is missing).
  Result<int32_t> CheckCoPartitioned();

  Status Subscribe();

  // Up to batch_max_messages messages, waiting at most batch_max_wait.
  std::vector<ConsumedMessage> PollBatch();

  // Assigns partitions the listener deferred in OnAssigned, each fetched
  // from exactly the offset given (paused: assigned, not fetched yet).
  // Outside the rebalance callback, on the poll thread. This, not a Seek,
  // is how a restored partition gets its position: librdkafka starts an
  // assigned partition's fetcher only once no offset commit is in flight,
  // and a seek before that start fails (ERR__STATE), leaving the partition
  // to start from the assigned offset (the beginning) and re-read input
  // the restored state already holds.
  Status Assign(const std::map<TopicPartition, int64_t>& positions, bool paused);
  // Whether `tp` is assigned to the fetcher here (not deferred, not revoked).
  bool IsAssigned(const TopicPartition& tp) const { return assigned_.count(tp) > 0; }

  void Pause(const std::vector<TopicPartition>& tps);
  void Resume(const std::vector<TopicPartition>& tps);
  // Re-reads from `offset` (after a failed store write).
  Status Seek(const TopicPartition& tp, int64_t offset);

  // Next offsets to the broker, for lag monitoring. Asynchronous unless `sync`.
  void Commit(const std::map<TopicPartition, int64_t>& next_offsets, bool sync);

  // The group's committed next offsets on the broker (absent: none).
  Result<std::map<TopicPartition, int64_t>> Committed(const std::vector<TopicPartition>& tps);

  // The high watermark last seen by the fetcher (no broker call).
  std::optional<int64_t> HighWatermark(const TopicPartition& tp);

  // Low and high watermark of any topic's partition, asked of the broker
  // (blocks up to broker_timeout).
  Result<std::pair<int64_t, int64_t>> QueryWatermarks(const std::string& topic, int32_t partition);
  // The partition count of `topic`; 0 when it does not exist.
  Result<int32_t> PartitionCount(const std::string& topic);
  // The changelog topic exists with `partitions` partitions: created
  // (cleanup.policy=compact) when missing; an error naming both counts when
  // it exists with another count, or naming what to create when the broker
  // refuses (librdkafka's mock cluster has no CreateTopics).
  Status EnsureChangelogTopic(const std::string& topic, int32_t partitions);

  // Leaves the group: revokes everything through the listener, then closes.
  void Close();

  const ConsumerOptions& options() const { return options_; }

 private:
  Consumer(ConsumerOptions options, RebalanceListener* listener);
  friend struct ConsumerCallbacks;  // librdkafka's C callbacks, in consumer.cc
  void OnRebalance(int err, rd_kafka_topic_partition_list_t* parts);

  ConsumerOptions options_;
  RebalanceListener* listener_;
  rd_kafka_t* rk_ = nullptr;
  bool closed_ = false;
  std::vector<ConsumedMessage> batch_;  // being collected by PollBatch
  // Partitions assigned to librdkafka here: the group's assignment less
  // the ones deferred and not yet given to Assign.
  std::set<TopicPartition> assigned_;
  // Consumer errors repeat while a broker is away: per error, a few lines
  // a minute and then a count.
  log::RateLimitedLogger errors_log_{"kafka"};
};

}  // namespace riskd::kafka
