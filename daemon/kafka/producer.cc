#include "daemon/kafka/producer.h"

#include <string>

#include <librdkafka/rdkafka.h>

#include "daemon/kafka/client_observer.h"
#include "daemon/kafka/client_stats.h"
#include "daemon/kafka/rdkafka_util.h"
#include "daemon/log/log.h"

namespace riskd::kafka {
Producer::Producer(ProducerOptions options, DeliveryListener* listener)
    : options_(std::move(options)), listener_(listener) {}

Producer::~Producer() {
  for (auto& [name, rkt] : topics_) rd_kafka_topic_destroy(rkt);
  if (rk_) rd_kafka_destroy(rk_);
}

Result<std::unique_ptr<Producer>> Producer::Create(const ProducerOptions& options, DeliveryListener* listener) {
  std::unique_ptr<Producer> p(new Producer(options, listener));
  ConfPtr conf(rd_kafka_conf_new());
  Properties props = {{"linger.ms", "5"}, {"statistics.interval.ms", options.observer ? "5000" : "0"}};
  // Consumer-only properties in kafka.properties would make the producer
  // refuse to start; they are meant for the consumer.
  for (const auto& [name, value] : options.properties) {
    static const char* kConsumerOnly[] = {"group.id", "auto.offset.reset", "session.timeout.ms",
                                          "heartbeat.interval.ms", "queued.max.messages.kbytes",
                                          "partition.assignment.strategy", "group.instance.id",
                                          "max.poll.interval.ms", "fetch.wait.max.ms", "fetch.min.bytes",
                                          "enable.auto.commit", "auto.commit.interval.ms"};
    bool consumer_only = false;
    for (const char* c : kConsumerOnly) consumer_only |= name == c;
    if (!consumer_only) props.emplace_back(name, value);
  }
  // Idempotence keeps per-partition order and drops the broker-side
  // duplicates of internal retries; riskd's own repeats after a crash carry
  // the same triggerEventId.
  props.emplace_back("enable.idempotence", "true");
  auto applied = ApplyProperties(conf.get(), props);
  if (!applied) return applied.error();
  rd_kafka_conf_set_opaque(conf.get(), p.get());
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Producer::DeliveryCallback);
  rd_kafka_conf_set_log_cb(conf.get(), &LogToRiskd);
  if (options.observer) {
    rd_kafka_conf_set_stats_cb(conf.get(), [](rd_kafka_t*, char* json, size_t len, void* opaque) {
      static_cast<Producer*>(opaque)->options_.observer->OnStatistics("producer", std::string(json, len));
      return 0;  // librdkafka frees `json`
    });
    rd_kafka_conf_set_error_cb(conf.get(), [](rd_kafka_t* rk, int err, const char* reason, void* opaque) {
      ReportClientError(rk, err, reason, static_cast<Producer*>(opaque)->options_.observer, "producer");
    });
  }
  char err[512];
  p->rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err);
  if (!p->rk_) return Error{"kafka", std::string("producer: ") + err};
  conf.release();
  for (const auto& [topic, topic_props] : options.topic_properties) {
    rd_kafka_topic_conf_t* tconf = rd_kafka_topic_conf_new();
    std::string problems;
    for (const auto& [name, value] : topic_props) {
      if (rd_kafka_topic_conf_set(tconf, name.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
        problems += (problems.empty() ? "" : "; ") + name + ": " + err;
      }
    }
    if (!problems.empty()) {
      rd_kafka_topic_conf_destroy(tconf);
      return Error{"invalid_config", "topic " + topic + ": " + problems};
    }
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(p->rk_, topic.c_str(), tconf);  // takes tconf
    if (!rkt) return Error{"kafka", "topic handle " + topic + ": " + rd_kafka_err2str(rd_kafka_last_error())};
    p->topics_.emplace(topic, rkt);
    // Learn its leaders now rather than on the first produce (the changelog
    // is first produced when a partition's first batch is delivered).
    const rd_kafka_metadata_t* md = nullptr;
    if (rd_kafka_metadata(p->rk_, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) rd_kafka_metadata_destroy(md);
  }
  return p;
}

Status Producer::Produce(std::string_view topic, std::string_view key, std::string_view value,
                         const std::vector<Header>& headers, uint64_t token, int32_t partition, bool null_value) {
  rd_kafka_headers_t* hdrs = rd_kafka_headers_new(headers.size());
  for (const auto& [name, v] : headers) {
    rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), v.data(),
                        static_cast<ssize_t>(v.size()));
  }
  const std::string topic_name(topic);
  void* payload = null_value ? nullptr : const_cast<char*>(value.data());
  const size_t len = null_value ? 0 : value.size();
  const int32_t part = partition >= 0 ? partition : RD_KAFKA_PARTITION_UA;
  void* opaque = reinterpret_cast<void*>(static_cast<uintptr_t>(token));
  auto it = topics_.find(topic);
  auto e = it != topics_.end()
               ? rd_kafka_producev(rk_, RD_KAFKA_V_RKT(it->second), RD_KAFKA_V_PARTITION(part),
                                   RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                                   RD_KAFKA_V_VALUE(payload, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                   RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END)
               : rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(topic_name.c_str()), RD_KAFKA_V_PARTITION(part),
                                   RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                                   RD_KAFKA_V_VALUE(payload, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                   RD_KAFKA_V_HEADERS(hdrs), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_headers_destroy(hdrs);  // not taken over on failure
    if (e == RD_KAFKA_RESP_ERR__QUEUE_FULL) return Error{"queue_full", "producer queue full"};
    if (e == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) {
      return Error{"too_large", "message to " + topic_name + " exceeds message.max.bytes"};
    }
    return Error{ErrorReason(e), std::string("produce to ") + topic_name + ": " + rd_kafka_err2str(e)};
  }
  return OkStatus();
}

void Producer::DeliveryCallback(rd_kafka_t* /*rk*/, const rd_kafka_message_t* m, void* opaque) {
  auto* self = static_cast<Producer*>(opaque);
  const auto token = static_cast<uint64_t>(reinterpret_cast<uintptr_t>(m->_private));
  if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    self->listener_->OnDeliveryReport(token, "", "", m->offset);
  } else {
    self->listener_->OnDeliveryReport(token, rd_kafka_err2str(m->err), ErrorReason(m->err), -1);
  }
}

void Producer::Poll(int timeout_ms) { rd_kafka_poll(rk_, timeout_ms); }

bool Producer::Flush() {
  return rd_kafka_flush(rk_, static_cast<int>(options_.flush_timeout.count())) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

int Producer::OutstandingMessages() const { return rd_kafka_outq_len(rk_); }

}  // namespace riskd::kafka
