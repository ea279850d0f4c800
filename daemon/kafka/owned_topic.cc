#include "daemon/kafka/owned_topic.h"

#include <thread>

#include "daemon/kafka/rdkafka_util.h"
#include "daemon/log/log.h"

namespace riskd::kafka {
namespace {

struct ClientDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using ClientPtr = std::unique_ptr<rd_kafka_t, ClientDeleter>;

int Millis(std::chrono::milliseconds d) { return static_cast<int>(d.count()); }

// -1: unknown topic; else its partition count. Error: no answer. Asks for
// the metadata of every topic: a request naming the topic would make a
// broker that auto-creates topics create it (brokers and the mock cluster
// that speak Metadata below v4 have no way to say "do not create", whatever
// allow.auto.create.topics says).
Result<int32_t> PartitionCount(rd_kafka_t* rk, const std::string& topic, std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* md = nullptr;
  const auto e = rd_kafka_metadata(rk, /*all_topics=*/1, nullptr, &md, Millis(timeout));
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) return Error{"kafka", "metadata for topic " + topic + ": " + rd_kafka_err2str(e)};
  int32_t n = -1;
  for (int i = 0; i < md->topic_cnt; ++i) {
    const auto& t = md->topics[i];
    if (topic == t.topic && t.err == RD_KAFKA_RESP_ERR_NO_ERROR && t.partition_cnt > 0) n = t.partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return n;
}

Result<TopicShape> Observe(rd_kafka_t* rk, const std::string& topic, std::chrono::milliseconds timeout) {
  auto count = PartitionCount(rk, topic, timeout);
  if (!count) return count.error();
  TopicShape shape;
  if (*count < 0) return shape;
  shape.exists = true;
  shape.partitions = *count;
  shape.empty = true;
  for (int32_t p = 0; p < *count; ++p) {
    int64_t lo = -1, hi = -1;
    const auto e = rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &lo, &hi, Millis(timeout));
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Error{"kafka", "watermarks of " + topic + " [" + std::to_string(p) + "]: " + rd_kafka_err2str(e)};
    }
    if (hi != 0) shape.empty = false;
  }
  return shape;
}

// Runs one Admin API request (`start` enqueues it on the queue) and returns
// "" or the problem, per topic result.
template <typename Start, typename Results>
std::string RunAdmin(rd_kafka_t* rk, rd_kafka_admin_op_t op, std::chrono::milliseconds timeout, Start start,
                     Results results) {
  char err[512];
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk, op);
  rd_kafka_AdminOptions_set_operation_timeout(opts, Millis(timeout), err, sizeof err);
  rd_kafka_AdminOptions_set_request_timeout(opts, Millis(timeout), err, sizeof err);
  start(opts, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, Millis(timeout) + 2000);
  std::string problem;
  if (!ev) {
    problem = "no answer from the broker";
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    problem = rd_kafka_event_error_string(ev);
  } else {
    size_t n = 0;
    const rd_kafka_topic_result_t** r = results(ev, &n);
    for (size_t i = 0; r && i < n; ++i) {
      const auto e = rd_kafka_topic_result_error(r[i]);
      if (e == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
      problem = rd_kafka_err2str(e);
      if (const char* msg = rd_kafka_topic_result_error_string(r[i])) problem += std::string(": ") + msg;
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(q);
  return problem;
}

std::string CreateTopic(rd_kafka_t* rk, const OwnedTopicSpec& spec, int32_t partitions,
                        std::chrono::milliseconds timeout) {
  char err[512];
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(spec.topic.c_str(), partitions, -1, err, sizeof err);
  if (!nt) return err;
  for (const auto& [name, value] : spec.configs) rd_kafka_NewTopic_set_config(nt, name.c_str(), value.c_str());
  std::string problem = RunAdmin(
      rk, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout,
      [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) { rd_kafka_CreateTopics(rk, &nt, 1, o, q); },
      [](rd_kafka_event_t* ev, size_t* n) -> const rd_kafka_topic_result_t** {
        const auto* res = rd_kafka_event_CreateTopics_result(ev);
        return res ? rd_kafka_CreateTopics_result_topics(res, n) : nullptr;
      });
  rd_kafka_NewTopic_destroy(nt);
  return problem;
}

std::string DeleteTopic(rd_kafka_t* rk, const std::string& topic, std::chrono::milliseconds timeout) {
  rd_kafka_DeleteTopic_t* dt = rd_kafka_DeleteTopic_new(topic.c_str());
  std::string problem = RunAdmin(
      rk, RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout,
      [&](rd_kafka_AdminOptions_t* o, rd_kafka_queue_t* q) { rd_kafka_DeleteTopics(rk, &dt, 1, o, q); },
      [](rd_kafka_event_t* ev, size_t* n) -> const rd_kafka_topic_result_t** {
        const auto* res = rd_kafka_event_DeleteTopics_result(ev);
        return res ? rd_kafka_DeleteTopics_result_topics(res, n) : nullptr;
      });
  rd_kafka_DeleteTopic_destroy(dt);
  return problem;
}

// Polls metadata until the topic has `want` partitions (-1: is gone).
bool WaitForCount(rd_kafka_t* rk, const std::string& topic, int32_t want, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    auto n = PartitionCount(rk, topic, std::chrono::milliseconds(2000));
    if (n && *n == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

}  // namespace

TopicPlan PlanOwnedTopic(const std::string& topic, const TopicShape& shape, int32_t want) {
  if (!shape.exists) return {TopicVerdict::kCreate, ""};
  if (shape.partitions == want) return {TopicVerdict::kReady, ""};
  const std::string counts = "topic " + topic + " has " + std::to_string(shape.partitions) +
                             " partitions but the input topics have " + std::to_string(want);
  if (shape.empty) {
    return {TopicVerdict::kRecreate,
            counts + "; it holds no record (auto-created by the broker before riskd created it), so riskd "
                     "deletes it and creates it with " + std::to_string(want) + " partitions"};
  }
  return {TopicVerdict::kRefuse,
          counts + " and it holds records; partition N of the changelog must mirror input partition N (move its "
                   "records away and delete it, or set kafka.changelog_topic to a new topic)"};
}

Result<EnsureResult> EnsureOwnedTopic(const Properties& properties, const OwnedTopicSpec& spec,
                                      std::chrono::milliseconds timeout) {
  ConfPtr conf(rd_kafka_conf_new());
  Properties props = properties;
  // Asking about a topic must never create it (the point of this step).
  props.emplace_back("allow.auto.create.topics", "false");
  if (auto applied = ApplyProperties(conf.get(), props); !applied) return applied.error();
  rd_kafka_conf_set_log_cb(conf.get(), &LogToRiskd);
  char err[512];
  ClientPtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err));
  if (!rk) return Error{"kafka", std::string("topic admin client: ") + err};
  conf.release();

  int32_t want = spec.partitions;
  if (!spec.mirror.empty()) {
    want = 0;
    for (const auto& input : spec.mirror) {
      auto n = PartitionCount(rk.get(), input, timeout);
      if (!n) return n.error();
      if (*n > 0) {
        want = *n;
        break;
      }
    }
    if (want == 0) return Error{"missing_input", "no input topic exists yet, so " + spec.topic + " is not created"};
  }
  auto shape = Observe(rk.get(), spec.topic, timeout);
  if (!shape) return shape.error();
  const TopicPlan plan = PlanOwnedTopic(spec.topic, *shape, want);
  const std::string by_hand = "create " + spec.topic + " with " + std::to_string(want) +
                              " partitions and cleanup.policy=compact";
  switch (plan.verdict) {
    case TopicVerdict::kReady: return EnsureResult{plan.verdict, want};
    case TopicVerdict::kRefuse: return Error{"not_copartitioned", plan.message};
    case TopicVerdict::kRecreate: {
      log::Warn("kafka", "recreating an empty owned topic with the wrong partition count",
                {{"topic", spec.topic}, {"partitions", std::to_string(shape->partitions)},
                 {"want", std::to_string(want)}, {"detail", plan.message}});
      if (auto problem = DeleteTopic(rk.get(), spec.topic, timeout); !problem.empty()) {
        return Error{"kafka", plan.message + "; but deleting it failed (" + problem + "): delete it and " + by_hand};
      }
      if (!WaitForCount(rk.get(), spec.topic, -1, std::chrono::seconds(30))) {
        return Error{"kafka", plan.message + "; but it is still there after DeleteTopics: delete it and " + by_hand};
      }
      break;
    }
    case TopicVerdict::kCreate: break;
  }
  // Create it; right after a delete the broker may still be removing the
  // old one, so "already exists" is retried for a while.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string problem;
  for (;;) {
    problem = CreateTopic(rk.get(), spec, want, timeout);
    if (problem.empty() || std::chrono::steady_clock::now() >= deadline ||
        problem.find(rd_kafka_err2str(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)) == std::string::npos) {
      break;
    }
    if (auto n = PartitionCount(rk.get(), spec.topic, timeout); n && *n == want) {
      problem.clear();  // another instance created it meanwhile
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (!problem.empty()) return Error{"kafka", "cannot create topic " + spec.topic + " (" + problem + "); " + by_hand};
  WaitForCount(rk.get(), spec.topic, want, std::chrono::seconds(10));
  log::Info("kafka", plan.verdict == TopicVerdict::kRecreate ? "owned topic recreated" : "owned topic created",
            {{"topic", spec.topic}, {"partitions", std::to_string(want)}});
  return EnsureResult{plan.verdict, want};
}

}  // namespace riskd::kafka
