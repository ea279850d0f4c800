#include "daemon/kafka/assigned_reader.h"

#include <librdkafka/rdkafka.h>

#include "daemon/kafka/consumer.h"
#include "daemon/kafka/rdkafka_util.h"

namespace riskd::kafka {

Result<std::unique_ptr<AssignedReader>> AssignedReader::Create(const Properties& properties, const std::string& topic,
                                                               const std::string& client,
                                                               std::chrono::milliseconds broker_timeout) {
  std::unique_ptr<AssignedReader> r(new AssignedReader());
  r->topic_ = topic;
  r->broker_timeout_ = broker_timeout;
  ConfPtr conf(rd_kafka_conf_new());
  // Modest prefetch: a tail reads little at a time, and several partitions
  // share this client.
  Properties props = {{"queued.max.messages.kbytes", "16384"}, {"fetch.wait.max.ms", "100"}, {"log_level", "4"}};
  for (const auto& [name, value] : properties) {
    // Group settings belong to the group member, not to this reader.
    if (name == "group.instance.id" || name == "partition.assignment.strategy") continue;
    props.emplace_back(name, value);
  }
  props.insert(props.end(), {{"group.id", "riskd-" + client},
                             {"client.id", "riskd-" + client},
                             {"enable.auto.commit", "false"},
                             {"enable.auto.offset.store", "false"},
                             {"auto.offset.reset", "error"},
                             {"enable.partition.eof", "true"}});
  auto applied = ApplyProperties(conf.get(), props);
  if (!applied) return applied.error();
  char err[512];
  r->rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err);
  if (!r->rk_) return Error{"kafka", client + " reader: " + err};
  conf.release();
  rd_kafka_poll_set_consumer(r->rk_);
  return r;
}

AssignedReader::~AssignedReader() {
  if (!rk_) return;
  rd_kafka_assign(rk_, nullptr);
  rd_kafka_consumer_close(rk_);
  rd_kafka_destroy(rk_);
}

Status AssignedReader::Assign(const std::map<int32_t, int64_t>& next_offsets) {
  TopicPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size())));
  for (const auto& [partition, offset] : next_offsets) {
    rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), partition)->offset = offset;
  }
  if (auto e = rd_kafka_assign(rk_, list.get()); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{"kafka", "assign " + topic_ + ": " + rd_kafka_err2str(e)};
  }
  return OkStatus();
}

Result<std::pair<int64_t, int64_t>> AssignedReader::Watermarks(int32_t partition) {
  int64_t lo = -1, hi = -1;
  auto e = rd_kafka_query_watermark_offsets(rk_, topic_.c_str(), partition, &lo, &hi,
                                            static_cast<int>(broker_timeout_.count()));
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{"kafka", "watermarks of " + topic_ + " [" + std::to_string(partition) + "]: " + rd_kafka_err2str(e)};
  }
  return std::pair<int64_t, int64_t>(lo, hi);
}

std::optional<int64_t> AssignedReader::CachedHighWatermark(int32_t partition) {
  int64_t lo = -1, hi = -1;
  if (rd_kafka_get_watermark_offsets(rk_, topic_.c_str(), partition, &lo, &hi) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      hi < 0) {
    return std::nullopt;
  }
  return hi;
}

AssignedPoll AssignedReader::Poll(size_t max, std::chrono::milliseconds wait) {
  AssignedPoll out;
  rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, static_cast<int>(wait.count()));
  while (m != nullptr) {
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      out.messages.push_back(CopyMessage(m));
    } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      out.eof.emplace_back(m->partition, m->offset);
    } else if (m->rkt != nullptr) {
      out.errors.emplace_back(m->partition, rd_kafka_message_errstr(m));
    }
    rd_kafka_message_destroy(m);
    if (out.messages.size() >= max) break;
    m = rd_kafka_consumer_poll(rk_, 0);
  }
  return out;
}

}  // namespace riskd::kafka
