// The output side: one idempotent producer (enable.idempotence) for
// RiskUpdates and dead letters. Each message carries a caller token that
// comes back in the delivery report, so the outbox entry it came from can be
// deleted only once the broker has it.
//
// Thread-safety: Produce, Poll and Flush may be called from any thread;
// delivery reports are delivered inside Poll/Flush on the calling thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "daemon/kafka/kafka_options.h"
#include "daemon/kafka/message.h"
#include "scoring/result.h"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_message_s rd_kafka_message_t;
typedef struct rd_kafka_topic_s rd_kafka_topic_t;

namespace riskd::kafka {

class DeliveryListener {
 public:
  virtual ~DeliveryListener() = default;
  // `error` is empty on success.
  virtual void OnDelivery(uint64_t token, std::string_view error) = 0;
  // The same with the offset the broker gave the message (-1 on error);
  // what the producer calls. Listeners that need the offset override it.
  virtual void OnDeliveryAt(uint64_t token, std::string_view error, int64_t /*offset*/) { OnDelivery(token, error); }
  // What the producer calls: `reason` is ErrorReason() of the failure
  // (client_stats.h), empty on success. By default it forwards to OnDeliveryAt.
  virtual void OnDeliveryReport(uint64_t token, std::string_view error, std::string_view reason, int64_t offset) {
    (void)reason;
    OnDeliveryAt(token, error, offset);
  }
};

class Producer {
 public:
  static Result<std::unique_ptr<Producer>> Create(const ProducerOptions& options, DeliveryListener* listener);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues a message; error "queue_full" when librdkafka's queue is full
  // (back off and Poll), "too_large" when it can never be sent (larger than
  // message.max.bytes), ErrorReason() of librdkafka's error for the rest. `partition` -1: the
  // partitioner decides; `null_value`: a null value (tombstone), `value`
  // ignored.
  Status Produce(std::string_view topic, std::string_view key, std::string_view value,
                 const std::vector<Header>& headers, uint64_t token, int32_t partition = -1,
                 bool null_value = false);

  // Serves delivery reports, waiting up to `timeout_ms`.
  void Poll(int timeout_ms);
  // Waits for every queued message; false if some are still queued.
  bool Flush();
  int OutstandingMessages() const;

 private:
  Producer(ProducerOptions options, DeliveryListener* listener);
  static void DeliveryCallback(rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque);

  ProducerOptions options_;
  DeliveryListener* listener_;
  rd_kafka_t* rk_ = nullptr;
  // Handles of the topics with their own properties (ProducerOptions::topic_properties).
  std::map<std::string, rd_kafka_topic_t*, std::less<>> topics_;
};

}  // namespace riskd::kafka
