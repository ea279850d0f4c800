#include "daemon/kafka/partition_reader.h"

#include <librdkafka/rdkafka.h>

#include "daemon/kafka/consumer.h"
#include "daemon/kafka/rdkafka_util.h"
#include "daemon/log/log.h"

namespace riskd::kafka {

Result<std::unique_ptr<PartitionReader>> PartitionReader::Create(const Properties& properties,
                                                                 const std::string& topic, int32_t partition,
                                                                 int64_t offset,
                                                                 std::chrono::milliseconds broker_timeout) {
  std::unique_ptr<PartitionReader> r(new PartitionReader());
  r->topic_ = topic;
  r->partition_ = partition;
  r->broker_timeout_ = broker_timeout;
  ConfPtr conf(rd_kafka_conf_new());
  // Big fetches, answered at once: a restore reads a partition end to end.
  Properties props = {{"queued.max.messages.kbytes", "65536"}, {"fetch.max.bytes", "52428800"},
                      {"max.partition.fetch.bytes", "16777216"}, {"fetch.wait.max.ms", "10"},
                      {"log_level", "4"}};
  for (const auto& [name, value] : properties) {
    // Group settings belong to the group member, not to this reader.
    if (name == "group.instance.id" || name == "partition.assignment.strategy") continue;
    props.emplace_back(name, value);
  }
  props.insert(props.end(), {{"group.id", "riskd-restore"},
                             {"enable.auto.commit", "false"},
                             {"enable.auto.offset.store", "false"},
                             {"enable.partition.eof", "true"}});
  auto applied = ApplyProperties(conf.get(), props);
  if (!applied) return applied.error();
  char err[512];
  r->rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err);
  if (!r->rk_) return Error{"kafka", std::string("changelog reader: ") + err};
  conf.release();
  rd_kafka_poll_set_consumer(r->rk_);
  TopicPartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
  if (auto e = rd_kafka_assign(r->rk_, list.get()); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{"kafka", std::string("assign changelog partition: ") + rd_kafka_err2str(e)};
  }
  return r;
}

PartitionReader::~PartitionReader() {
  if (!rk_) return;
  rd_kafka_assign(rk_, nullptr);
  rd_kafka_consumer_close(rk_);
  rd_kafka_destroy(rk_);
}

Result<std::pair<int64_t, int64_t>> PartitionReader::Watermarks() {
  int64_t lo = -1, hi = -1;
  auto e = rd_kafka_query_watermark_offsets(rk_, topic_.c_str(), partition_, &lo, &hi,
                                            static_cast<int>(broker_timeout_.count()));
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{"kafka", "watermarks of " + topic_ + " [" + std::to_string(partition_) + "]: " + rd_kafka_err2str(e)};
  }
  return std::pair<int64_t, int64_t>(lo, hi);
}

std::vector<ConsumedMessage> PartitionReader::Poll(size_t max, std::chrono::milliseconds wait, bool* eof) {
  std::vector<ConsumedMessage> out;
  *eof = false;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (out.size() < max) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, out.empty() ? static_cast<int>(std::max<int64_t>(left, 0)) : 0);
    if (!m) {
      if (!out.empty() || left <= 0) break;
      continue;
    }
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      out.push_back(CopyMessage(m));
    } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      *eof = true;
      rd_kafka_message_destroy(m);
      break;
    } else {
      log::Warn("restore", "changelog read error", {{"error", rd_kafka_message_errstr(m)}});
    }
    rd_kafka_message_destroy(m);
  }
  return out;
}

}  // namespace riskd::kafka
