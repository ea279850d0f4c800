#include "daemon/kafka/consumer.h"

#include <chrono>

#include <librdkafka/rdkafka.h>

#include "daemon/kafka/client_observer.h"
#include "daemon/kafka/client_stats.h"
#include "daemon/kafka/rdkafka_util.h"
#include "daemon/log/log.h"

namespace riskd::kafka {
namespace {

using Clock = std::chrono::steady_clock;

TopicPartitionListPtr ToList(const std::vector<TopicPartition>& tps) {
  TopicPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(tps.size())));
  for (const auto& tp : tps) rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition);
  return list;
}

std::vector<TopicPartition> FromList(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> out;
  for (int i = 0; i < list->cnt; ++i) out.push_back({list->elems[i].topic, list->elems[i].partition});
  return out;
}

}  // namespace

ConsumedMessage CopyMessage(const rd_kafka_message_t* m) {
  ConsumedMessage out;
  out.topic = rd_kafka_topic_name(m->rkt);
  out.partition = m->partition;
  out.offset = m->offset;
  out.has_key = m->key != nullptr;
  if (m->key) out.key.assign(static_cast<const char*>(m->key), m->key_len);
  if (m->payload) out.value.assign(static_cast<const char*>(m->payload), m->len);
  out.null_value = m->payload == nullptr;
  rd_kafka_headers_t* hdrs = nullptr;
  if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
      out.headers.emplace_back(name, value ? std::string(static_cast<const char*>(value), size) : std::string());
    }
  }
  rd_kafka_timestamp_type_t type;
  out.timestamp_ms = rd_kafka_message_timestamp(m, &type);
  out.received = Clock::now();
  return out;
}

struct ConsumerCallbacks {
  static void Rebalance(rd_kafka_t* /*rk*/, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
                        void* opaque) {
    static_cast<Consumer*>(opaque)->OnRebalance(err, parts);
  }
  static int Statistics(rd_kafka_t* /*rk*/, char* json, size_t len, void* opaque) {
    static_cast<Consumer*>(opaque)->options_.observer->OnStatistics("consumer", std::string(json, len));
    return 0;  // librdkafka frees `json`
  }
  static void ClientError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
    ReportClientError(rk, err, reason, static_cast<Consumer*>(opaque)->options_.observer, "consumer");
  }
};

Consumer::Consumer(ConsumerOptions options, RebalanceListener* listener)
    : options_(std::move(options)), listener_(listener) {}

Consumer::~Consumer() {
  Close();
  if (rk_) rd_kafka_destroy(rk_);
}

Result<std::unique_ptr<Consumer>> Consumer::Create(const ConsumerOptions& options, RebalanceListener* listener) {
  std::unique_ptr<Consumer> c(new Consumer(options, listener));
  ConfPtr conf(rd_kafka_conf_new());
  // riskd's defaults first, so that kafka.properties can override them…
  Properties props = {
      {"auto.offset.reset", "earliest"},
      {"statistics.interval.ms", options.observer ? "5000" : "0"},
      {"queued.max.messages.kbytes", "16384"},  // bounds prefetch memory per partition
      {"session.timeout.ms", "10000"},
      {"heartbeat.interval.ms", "1000"},
  };
  props.insert(props.end(), options.properties.begin(), options.properties.end());
  // …then what riskd's correctness depends on: offsets are riskd's own.
  props.insert(props.end(), {{"group.id", options.group_id},
                             {"enable.auto.commit", "false"},
                             {"enable.auto.offset.store", "false"},
                             {"partition.assignment.strategy", "cooperative-sticky"}});
  if (!options.instance_id.empty()) props.emplace_back("group.instance.id", options.instance_id);
  auto applied = ApplyProperties(conf.get(), props);
  if (!applied) return applied.error();
  rd_kafka_conf_set_opaque(conf.get(), c.get());
  rd_kafka_conf_set_rebalance_cb(conf.get(), &ConsumerCallbacks::Rebalance);
  rd_kafka_conf_set_log_cb(conf.get(), &LogToRiskd);
  if (options.observer) {
    rd_kafka_conf_set_stats_cb(conf.get(), &ConsumerCallbacks::Statistics);
    rd_kafka_conf_set_error_cb(conf.get(), &ConsumerCallbacks::ClientError);
  }
  char err[512];
  c->rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err);
  if (!c->rk_) return Error{"kafka", std::string("consumer: ") + err};
  conf.release();  // owned by rk_ now
  rd_kafka_poll_set_consumer(c->rk_);
  return c;
}

Result<int32_t> Consumer::CheckCoPartitioned() {
  std::string counts;
  int32_t common = -1;
  bool mismatch = false;
  for (const auto& topic : options_.topics) {
    rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
    const rd_kafka_metadata_t* md = nullptr;
    auto e = rd_kafka_metadata(rk_, 0, rkt, &md, static_cast<int>(options_.broker_timeout.count()));
    rd_kafka_topic_destroy(rkt);
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error{"kafka", "metadata for topic " + topic + ": " + rd_kafka_err2str(e)};
    }
    int32_t n = 0;
    if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) n = md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
    if (n == 0) return Error{"kafka", "input topic " + topic + " does not exist"};
    if (!counts.empty()) counts += ", ";
    counts += topic + " has " + std::to_string(n);
    if (common >= 0 && n != common) mismatch = true;
    common = n;
  }
  if (mismatch) {
    return Error{"not_copartitioned",
                 "input topics must be co-partitioned (same partition count, keyed by account id): " + counts};
  }
  return common;
}

Status Consumer::Subscribe() {
  std::vector<TopicPartition> tps;
  for (const auto& t : options_.topics) tps.push_back({t, RD_KAFKA_PARTITION_UA});
  auto list = ToList(tps);
  auto e = rd_kafka_subscribe(rk_, list.get());
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) return Error{"kafka", std::string("subscribe: ") + rd_kafka_err2str(e)};
  return OkStatus();
}

std::vector<ConsumedMessage> Consumer::PollBatch() {
  batch_.clear();
  const auto deadline = Clock::now() + options_.batch_max_wait;
  while (batch_.size() < options_.batch_max_messages && !closed_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, static_cast<int>(left));
    if (!m) break;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      batch_.push_back(CopyMessage(m));
    } else if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      const std::string reason = ErrorReason(m->err);
      errors_log_.Warn(reason, "consumer error", {{"reason", reason}, {"error", rd_kafka_message_errstr(m)}});
    }
    rd_kafka_message_destroy(m);
  }
  return std::move(batch_);
}


void Consumer::OnRebalance(int err, rd_kafka_topic_partition_list_t* parts) {
  auto tps = FromList(parts);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    const auto starts = listener_->OnAssigned(tps);
    std::map<TopicPartition, int64_t> now, now_paused;
    for (size_t i = 0; i < tps.size(); ++i) {
      if (starts.at(i).deferred) continue;
      (starts[i].paused ? now_paused : now)[tps[i]] = starts[i].offset;
    }
    // The callback is always answered, with an empty list when every
    // partition is deferred: the group waits for the answer.
    if (now.empty() && now_paused.empty()) {
      auto none = ToList({});
      if (auto* e = rd_kafka_incremental_assign(rk_, none.get())) {
        log::Error("kafka", "incremental assign failed", {{"error", rd_kafka_error_string(e)}});
        rd_kafka_error_destroy(e);
      }
    }
    (void)Assign(now, /*paused=*/false);
    (void)Assign(now_paused, /*paused=*/true);
    return;
  }
  // Revoked (or lost): messages of these partitions collected in the current
  // batch were not processed; the next owner reads them from its offsets.
  std::erase_if(batch_, [&](const ConsumedMessage& m) {
    for (const auto& tp : tps) {
      if (tp.topic == m.topic && tp.partition == m.partition) return true;
    }
    return false;
  });
  listener_->OnRevoked(tps, rd_kafka_assignment_lost(rk_) != 0);
  // Only what librdkafka has assigned can be unassigned (a deferred
  // partition never was).
  std::vector<TopicPartition> held;
  for (const auto& tp : tps) {
    if (assigned_.erase(tp) > 0) held.push_back(tp);
  }
  // librdkafka keeps a partition's pause across its revocation and a later
  // re-assignment to this consumer (librdkafka issue #1849): a partition
  // paused while restoring, then lost and assigned again, would never be
  // fetched although its start position says "running". Resume it while
  // it is still ours; the assignment decides afresh.
  Resume(held);
  auto list = ToList(held);
  if (auto* e = rd_kafka_incremental_unassign(rk_, list.get())) {
    log::Error("kafka", "incremental unassign failed", {{"error", rd_kafka_error_string(e)}});
    rd_kafka_error_destroy(e);
  }
}

Status Consumer::Assign(const std::map<TopicPartition, int64_t>& positions, bool paused) {
  if (positions.empty()) return OkStatus();
  TopicPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(positions.size())));
  std::vector<TopicPartition> tps;
  for (const auto& [tp, offset] : positions) {
    if (assigned_.count(tp)) return Error{"kafka", "assign: " + tp.topic + " [" + std::to_string(tp.partition) +
                                                       "] is assigned already"};
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
    tps.push_back(tp);
  }
  if (auto* e = rd_kafka_incremental_assign(rk_, list.get())) {
    Status s = Error{"kafka", std::string("incremental assign: ") + rd_kafka_error_string(e)};
    log::Error("kafka", "incremental assign failed", {{"error", rd_kafka_error_string(e)}});
    rd_kafka_error_destroy(e);
    return s;
  }
  assigned_.insert(tps.begin(), tps.end());
  // Paused only for backpressure (the listener defers partitions it must
  // not read): a message fetched before the pause is processed as usual.
  if (paused) Pause(tps);
  return OkStatus();
}

void Consumer::Pause(const std::vector<TopicPartition>& tps) {
  if (tps.empty()) return;
  auto list = ToList(tps);
  rd_kafka_pause_partitions(rk_, list.get());
}

void Consumer::Resume(const std::vector<TopicPartition>& tps) {
  if (tps.empty()) return;
  auto list = ToList(tps);
  rd_kafka_resume_partitions(rk_, list.get());
}

Status Consumer::Seek(const TopicPartition& tp, int64_t offset) {
  auto list = ToList({tp});
  list->elems[0].offset = offset;
  if (auto* e = rd_kafka_seek_partitions(rk_, list.get(), static_cast<int>(options_.broker_timeout.count()))) {
    Status s = Error{"kafka", std::string("seek: ") + rd_kafka_error_string(e)};
    rd_kafka_error_destroy(e);
    return s;
  }
  if (list->elems[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{"kafka", std::string("seek: ") + rd_kafka_err2str(list->elems[0].err)};
  }
  return OkStatus();
}

void Consumer::Commit(const std::map<TopicPartition, int64_t>& next_offsets, bool sync) {
  if (next_offsets.empty()) return;
  TopicPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size())));
  for (const auto& [tp, offset] : next_offsets) {
    rd_kafka_topic_partition_list_add(list.get(), tp.topic.c_str(), tp.partition)->offset = offset;
  }
  auto e = rd_kafka_commit(rk_, list.get(), sync ? 0 : 1);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    log::Debug("kafka", "broker commit failed (lag monitoring only)", {{"error", rd_kafka_err2str(e)}});
  }
}

Result<std::map<TopicPartition, int64_t>> Consumer::Committed(const std::vector<TopicPartition>& tps) {
  auto list = ToList(tps);
  auto e = rd_kafka_committed(rk_, list.get(), static_cast<int>(options_.broker_timeout.count()));
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) return Error{"kafka", std::string("committed: ") + rd_kafka_err2str(e)};
  std::map<TopicPartition, int64_t> out;
  for (int i = 0; i < list->cnt; ++i) {
    const auto& el = list->elems[i];
    if (el.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error{"kafka", std::string("committed: ") + rd_kafka_err2str(el.err)};
    }
    if (el.offset >= 0) out[{el.topic, el.partition}] = el.offset;
  }
  return out;
}

std::optional<int64_t> Consumer::HighWatermark(const TopicPartition& tp) {
  int64_t lo = -1, hi = -1;
  if (rd_kafka_get_watermark_offsets(rk_, tp.topic.c_str(), tp.partition, &lo, &hi) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      hi < 0) {
    return std::nullopt;
  }
  return hi;
}

Result<std::pair<int64_t, int64_t>> Consumer::QueryWatermarks(const std::string& topic, int32_t partition) {
  int64_t lo = -1, hi = -1;
  auto e = rd_kafka_query_watermark_offsets(rk_, topic.c_str(), partition, &lo, &hi,
                                            static_cast<int>(options_.broker_timeout.count()));
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{"kafka", "watermarks of " + topic + " [" + std::to_string(partition) + "]: " + rd_kafka_err2str(e)};
  }
  return std::pair<int64_t, int64_t>(lo, hi);
}

Result<int32_t> Consumer::PartitionCount(const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  auto e = rd_kafka_metadata(rk_, 0, rkt, &md, static_cast<int>(options_.broker_timeout.count()));
  rd_kafka_topic_destroy(rkt);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) return Error{"kafka", "metadata for topic " + topic + ": " + rd_kafka_err2str(e)};
  int32_t n = 0;
  if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) n = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  return n;
}

Status Consumer::EnsureChangelogTopic(const std::string& topic, int32_t partitions) {
  auto have = PartitionCount(topic);
  if (!have) return have.error();
  if (*have == partitions) return OkStatus();
  if (*have != 0) {
    return Error{"not_copartitioned", "changelog topic " + topic + " has " + std::to_string(*have) +
                                          " partitions but the input topics have " + std::to_string(partitions) +
                                          "; partition N of the changelog must mirror input partition N "
                                          "(delete it, or set kafka.changelog_topic to a new topic)"};
  }
  // Missing: create it compacted, co-partitioned with the input.
  char err[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, -1, err, sizeof err);
  if (!nt) return Error{"kafka", "changelog topic " + topic + ": " + err};
  rd_kafka_NewTopic_set_config(nt, "cleanup.policy", "compact");
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk_);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk_, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_operation_timeout(opts, static_cast<int>(options_.broker_timeout.count()), err, sizeof err);
  rd_kafka_CreateTopics(rk_, &nt, 1, opts, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, static_cast<int>(options_.broker_timeout.count()) + 2000);
  std::string problem;
  if (!ev) {
    problem = "no answer from the broker";
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    problem = rd_kafka_event_error_string(ev);
  } else if (const auto* res = rd_kafka_event_CreateTopics_result(ev)) {
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
    for (size_t i = 0; i < n; ++i) {
      const auto e = rd_kafka_topic_result_error(results[i]);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        problem = rd_kafka_err2str(e);
        if (const char* msg = rd_kafka_topic_result_error_string(results[i])) problem += std::string(": ") + msg;
      }
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(nt);
  if (!problem.empty()) {
    return Error{"kafka", "cannot create changelog topic " + topic + " (" + problem + "); create it with " +
                              std::to_string(partitions) + " partitions and cleanup.policy=compact"};
  }
  log::Info("kafka", "changelog topic created", {{"topic", topic}, {"partitions", std::to_string(partitions)}});
  // Wait until the metadata shows it, so the first assignment can query it.
  for (int i = 0; i < 50; ++i) {
    auto now = PartitionCount(topic);
    if (now && *now == partitions) return OkStatus();
    rd_kafka_poll(rk_, 100);
  }
  return OkStatus();
}

void Consumer::Close() {
  if (closed_ || !rk_) return;
  closed_ = true;
  rd_kafka_consumer_close(rk_);  // runs the revoke callback, leaves the group
}

}  // namespace riskd::kafka
