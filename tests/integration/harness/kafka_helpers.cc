#include "tests/integration/harness/kafka_helpers.h"

#include <stdexcept>
#include <set>
#include <thread>

#include <librdkafka/rdkafka.h>

namespace riskd::it {
namespace {

rd_kafka_t* NewConsumer(const std::string& bootstrap, const std::string& group) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "group.id", group.c_str(), err, sizeof err);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) throw std::runtime_error(err);
  return rk;
}

int PartitionCount(rd_kafka_t* rk, const std::string& topic) {
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  int n = 0;
  if (rd_kafka_metadata(rk, 0, rkt, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (md->topic_cnt == 1) n = md->topics[0].partition_cnt;
    rd_kafka_metadata_destroy(md);
  }
  rd_kafka_topic_destroy(rkt);
  return n;
}

}  // namespace

TestProducer::TestProducer(const std::string& bootstrap, kafka::Properties extra) {
  kafka::ProducerOptions options;
  // An outside producer: librdkafka's own delivery timeout (5 minutes), not
  // the short one riskd gives its producer, so it outlasts a test's outage.
  options.properties = {
      {"bootstrap.servers", bootstrap}, {"linger.ms", "20"}, {"log_level", "3"}, {"message.timeout.ms", "300000"}};
  options.properties.insert(options.properties.end(), extra.begin(), extra.end());
  options.flush_timeout = std::chrono::milliseconds(120'000);
  auto p = kafka::Producer::Create(options, this);
  if (!p) throw std::runtime_error(p.error().message);
  producer_ = std::move(*p);
}

void TestProducer::Produce(const std::string& topic, const std::string& key, const std::string& value,
                           const std::vector<kafka::Header>& headers) {
  for (;;) {
    auto s = producer_->Produce(topic, key, value, headers, next_token_++);
    if (s) return;
    if (s.error().code != "queue_full") throw std::runtime_error(s.error().message);
    producer_->Poll(50);
  }
}

void TestProducer::ProduceTo(const std::string& topic, int32_t partition, const std::string& key,
                             const std::string& value, const std::vector<kafka::Header>& headers) {
  for (;;) {
    auto s = producer_->Produce(topic, key, value, headers, next_token_++, partition);
    if (s) return;
    if (s.error().code != "queue_full") throw std::runtime_error(s.error().message);
    producer_->Poll(50);
  }
}

int TestProducer::Flush() {
  producer_->Flush();
  std::lock_guard lock(mu_);
  return failed_;
}

void TestProducer::OnDelivery(uint64_t, std::string_view error) {
  if (error.empty()) return;
  std::lock_guard lock(mu_);
  ++failed_;
}

TopicReader::TopicReader(const std::string& bootstrap, const std::string& topic) {
  rk_ = NewConsumer(bootstrap, "riskd-test-reader");
  const int n = PartitionCount(rk_, topic);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(n);
  for (int p = 0; p < n; ++p) {
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk_, list);
  rd_kafka_topic_partition_list_destroy(list);
}

TopicReader::~TopicReader() {
  rd_kafka_consumer_close(rk_);
  rd_kafka_destroy(rk_);
}

bool TopicReader::ReadUntil(const std::function<bool(const std::vector<kafka::ConsumedMessage>&)>& done,
                            std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(messages_)) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, 100);
    if (!m) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      kafka::ConsumedMessage c;
      c.topic = rd_kafka_topic_name(m->rkt);
      c.partition = m->partition;
      c.offset = m->offset;
      c.has_key = m->key != nullptr;
      if (m->key) c.key.assign(static_cast<const char*>(m->key), m->key_len);
      if (m->payload) c.value.assign(static_cast<const char*>(m->payload), m->len);
      rd_kafka_headers_t* hdrs = nullptr;
      if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* value;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(hdrs, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; ++i) {
          c.headers.emplace_back(name, value ? std::string(static_cast<const char*>(value), size) : "");
        }
      }
      messages_.push_back(std::move(c));
    }
    rd_kafka_message_destroy(m);
  }
  return true;
}

namespace {

// Each partition's low (`high` false) or high watermark, as the broker says
// now; partitions it does not answer for are left out.
std::map<int32_t, int64_t> Watermarks(const std::string& bootstrap, const std::string& topic, bool high) {
  rd_kafka_t* rk = NewConsumer(bootstrap, "riskd-test-watermarks");
  std::map<int32_t, int64_t> out;
  const int n = PartitionCount(rk, topic);
  for (int p = 0; p < n; ++p) {
    int64_t lo = 0, hi = 0;
    if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &lo, &hi, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      out[p] = high ? hi : lo;
    }
  }
  rd_kafka_destroy(rk);
  return out;
}

}  // namespace

std::map<int32_t, int64_t> LowWatermarks(const std::string& bootstrap, const std::string& topic) {
  return Watermarks(bootstrap, topic, /*high=*/false);
}

std::map<int32_t, int64_t> HighWatermarks(const std::string& bootstrap, const std::string& topic) {
  return Watermarks(bootstrap, topic, /*high=*/true);
}

std::map<int32_t, int64_t> GroupCommitted(const std::string& bootstrap, const std::string& group,
                                          const std::string& topic) {
  rd_kafka_t* rk = NewConsumer(bootstrap, group);
  std::map<int32_t, int64_t> out;
  const int n = PartitionCount(rk, topic);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(n);
  for (int p = 0; p < n; ++p) rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
  if (rd_kafka_committed(rk, list, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < list->cnt; ++i) {
      if (list->elems[i].offset >= 0) out[list->elems[i].partition] = list->elems[i].offset;
    }
  }
  rd_kafka_topic_partition_list_destroy(list);
  rd_kafka_destroy(rk);
  return out;
}

bool WaitCaughtUp(const std::string& bootstrap, const std::string& group, const std::string& topic,
                  std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto hw = HighWatermarks(bootstrap, topic);
    const auto committed = GroupCommitted(bootstrap, group, topic);
    bool caught_up = !hw.empty();
    for (const auto& [p, h] : hw) {
      if (h == 0) continue;
      auto it = committed.find(p);
      if (it == committed.end() || it->second < h) caught_up = false;
    }
    if (caught_up) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

bool WaitChangelogPublished(const std::string& bootstrap, const std::string& changelog, int partitions,
                            std::chrono::seconds timeout) {
  // State, not only owners' claims (which every partition gets at once).
  TopicReader reader(bootstrap, changelog);
  std::set<int32_t> filled;
  size_t seen = 0;
  return reader.ReadUntil(
      [&](const std::vector<kafka::ConsumedMessage>& messages) {
        for (; seen < messages.size(); ++seen) {
          if (HeaderValue(messages[seen], "riskd-changelog") != "claim") filled.insert(messages[seen].partition);
        }
        return filled.size() >= static_cast<size_t>(partitions);
      },
      timeout);
}

std::string HeaderValue(const kafka::ConsumedMessage& m, const std::string& name) {
  for (const auto& [n, v] : m.headers) {
    if (n == name) return v;
  }
  return "";
}

}  // namespace riskd::it
