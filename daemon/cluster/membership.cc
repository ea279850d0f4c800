#include "daemon/cluster/membership.h"

#include <librdkafka/rdkafka.h>

#include "daemon/cluster/member_codec.h"
#include "daemon/cluster/standby_plan.h"
#include "daemon/kafka/consumer.h"
#include "daemon/kafka/rdkafka_util.h"
#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"
#include "daemon/trust/record_signer.h"

namespace riskd::cluster {
namespace {

using SteadyClock = std::chrono::steady_clock;
// How long one wait on the topic lasts: also how soon a change of this
// instance's partitions is announced.
constexpr int kPollMillis = 100;
constexpr auto kErrorLogEvery = std::chrono::seconds(30);
constexpr int kTombstoneFlushMillis = 2000;
constexpr int kCreateTopicMillis = 5000;
constexpr int kMetadataMillis = 5000;

void LogCallback(const rd_kafka_t* /*rk*/, int level, const char* fac, const char* buf) {
  const log::Level l = level <= 3 ? log::Level::kError : level <= 5 ? log::Level::kWarn : log::Level::kDebug;
  log::Write(l, "rdkafka", buf, {{"facility", fac}, {"client", "membership"}});
}

Result<rd_kafka_t*> NewClient(rd_kafka_type_t type, const kafka::Properties& properties) {
  kafka::ConfPtr conf(rd_kafka_conf_new());
  if (auto s = kafka::ApplyProperties(conf.get(), properties); !s) return s.error();
  rd_kafka_conf_set_log_cb(conf.get(), &LogCallback);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof err);
  if (!rk) return Error{"kafka", std::string("membership client: ") + err};
  conf.release();  // owned by rk now
  return rk;
}

}  // namespace

Membership::Membership(MembershipOptions options, LocalView local, const Clock* clock, metrics::Metrics* metrics)
    : options_(std::move(options)),
      local_(std::move(local)),
      clock_(clock),
      metrics_(metrics),
      table_(options_.member_ttl) {}

Membership::~Membership() {
  Stop();
  if (consumer_) rd_kafka_destroy(consumer_);
  if (producer_) rd_kafka_destroy(producer_);
}

Status Membership::Start() {
  if (!options_.cluster_key) return Error{"invalid_config", "membership needs the cluster secret"};
  // Heartbeats are worthless once older than the TTL: do not let librdkafka
  // retry one for minutes behind the next.
  kafka::Properties producer_props = {{"linger.ms", "5"},
                                      {"message.timeout.ms", std::to_string(std::max<int64_t>(
                                                                 1000, options_.member_ttl / 1000))}};
  producer_props.insert(producer_props.end(), options_.properties.begin(), options_.properties.end());
  auto producer = NewClient(RD_KAFKA_PRODUCER, producer_props);
  if (!producer) return producer.error();
  producer_ = *producer;

  kafka::Properties consumer_props = options_.properties;
  // A plain assigned reader, no group: every instance reads everything.
  // librdkafka wants a group.id even for assign(); this one never joins a
  // group nor commits (no subscribe, no auto commit).
  consumer_props.insert(consumer_props.end(), {{"group.id", options_.topic + ".reader." + options_.instance_id},
                                               {"enable.auto.commit", "false"},
                                               {"enable.partition.eof", "false"}});
  auto consumer = NewClient(RD_KAFKA_CONSUMER, consumer_props);
  if (!consumer) return consumer.error();
  consumer_ = *consumer;
  rd_kafka_poll_set_consumer(consumer_);

  thread_ = std::thread([this] { Run(); });
  log::Info("cluster", "membership started",
            {{"topic", options_.topic}, {"instance", options_.instance_id}, {"url", options_.advertised_url}});
  return OkStatus();
}

void Membership::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (consumer_) rd_kafka_consumer_close(consumer_);
}

void Membership::Run() {
  if (options_.create_topic) CreateTopicIfMissing();
  kafka::TopicPartitionListPtr assignment(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(assignment.get(), options_.topic.c_str(), 0)->offset = RD_KAFKA_OFFSET_BEGINNING;
  if (auto e = rd_kafka_assign(consumer_, assignment.get()); e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    log::Error("cluster", "cannot follow the membership topic", {{"error", rd_kafka_err2str(e)}});
  }
  while (!stop_) {
    Follow();
    Announce(/*force=*/false);
    PlanStandby();
    rd_kafka_poll(producer_, 0);  // delivery reports
  }
  // Leaving: peers stop forwarding here at once instead of after the TTL.
  Publish(nullptr);
  rd_kafka_flush(producer_, kTombstoneFlushMillis);
}

void Membership::Follow() {
  // Up to a few hundred records per turn, so announcing is never starved.
  for (int i = 0; i < 500; ++i) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(consumer_, i == 0 ? kPollMillis : 0);
    if (!m) return;
    if (m->err) {
      if (SteadyClock::now() >= next_error_log_) {
        next_error_log_ = SteadyClock::now() + kErrorLogEvery;
        log::Warn("cluster", "membership topic read error", {{"error", rd_kafka_message_errstr(m)}});
      }
    } else if (m->key) {
      Apply(kafka::CopyMessage(m));
    }
    rd_kafka_message_destroy(m);
  }
}

void Membership::Apply(const kafka::ConsumedMessage& m) {
  const trust::RecordFields fields{trust::RecordTopic::kMembership, m.partition, m.key,
                                   m.null_value ? std::nullopt : std::optional<std::string_view>(m.value)};
  if (!options_.cluster_key || !trust::VerifyRecord(*options_.cluster_key, fields, m.headers)) {
    return Refuse("unsigned, or not signed with this cluster's secret");
  }
  if (m.null_value) {
    std::lock_guard lock(mu_);
    table_.Remove(m.key);
    return;
  }
  auto member = DecodeMember(m.key, m.value);
  if (!member) {
    if (SteadyClock::now() >= next_error_log_) {
      next_error_log_ = SteadyClock::now() + kErrorLogEvery;
      log::Warn("cluster", "membership record ignored", {{"error", member.error().message}});
    }
    return;
  }
  if (member->published_at > clock_->NowMicros() + options_.max_clock_skew) {
    return Refuse("published in the future (a clock far ahead?)");
  }
  std::lock_guard lock(mu_);
  table_.Upsert(std::move(*member));
}

void Membership::Refuse(std::string_view why) {
  if (metrics_) metrics_->UntrustedMembershipRecord();
  if (SteadyClock::now() >= next_untrusted_log_) {
    next_untrusted_log_ = SteadyClock::now() + kErrorLogEvery;
    log::Warn("cluster", "membership record refused", {{"why", why}, {"topic", options_.topic}});
  }
}

void Membership::Announce(bool force) {
  const std::vector<LocalState> view = local_();
  const scoring::EpochMicros now = clock_->NowMicros();
  bool changed = static_cast<int32_t>(view.size()) != partition_count_;
  partition_count_ = static_cast<int32_t>(view.size());
  for (auto it = claims_.begin(); it != claims_.end();) {
    if (it->first >= partition_count_ || view[it->first] == LocalState::kNone) {
      it = claims_.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  for (int32_t p = 0; p < partition_count_; ++p) {
    if (view[p] == LocalState::kNone) continue;
    const ClaimState state = view[p] == LocalState::kServing ? ClaimState::kServing : ClaimState::kRestoring;
    auto it = claims_.find(p);
    if (it == claims_.end() || it->second.state != state) {
      claims_[p] = Claim{p, state, now};
      changed = true;
    }
  }
  const auto steady_now = SteadyClock::now();
  if (!changed && !force && steady_now < next_heartbeat_) return;
  next_heartbeat_ = steady_now + options_.heartbeat_interval;
  Member me{options_.instance_id, options_.advertised_url, partition_count_, {}, now};
  for (const auto& [p, claim] : claims_) me.claims.push_back(claim);
  const std::string value = EncodeMember(me);
  Publish(&value);
  if (metrics_) {
    std::lock_guard lock(mu_);
    metrics_->SetClusterMembers(static_cast<int64_t>(table_.Live(now).size()));
  }
  if (changed) {
    std::string serving, restoring;
    for (const Claim& c : me.claims) {
      std::string& list = c.state == ClaimState::kServing ? serving : restoring;
      list += (list.empty() ? "" : ",") + std::to_string(c.partition);
    }
    log::Info("cluster", "announced partitions", {{"serving", serving}, {"restoring", restoring}});
  }
}

void Membership::PlanStandby() {
  if (options_.standby_replicas <= 0 || !options_.standby_plan) return;
  std::set<int32_t> plan;
  {
    std::lock_guard lock(mu_);
    plan = StandbyPartitions(table_, clock_->NowMicros(), options_.instance_id, partition_count_,
                             options_.standby_replicas);
  }
  // Partitions this instance claims are not followed (the pipeline checks
  // again: it alone knows what is assigned at this instant).
  for (const auto& [p, claim] : claims_) plan.erase(p);
  if (standby_plan_ == plan) return;
  std::string names;
  for (int32_t p : plan) names += (names.empty() ? "" : ",") + std::to_string(p);
  log::Info("cluster", "standby partitions", {{"partitions", names}});
  standby_plan_ = plan;
  options_.standby_plan(std::move(plan));
}

void Membership::Publish(const std::string* value) {
  const std::string& key = options_.instance_id;
  std::vector<trust::Header> headers;
  trust::SignRecord(*options_.cluster_key,
                    {trust::RecordTopic::kMembership, 0, key,
                     value ? std::optional<std::string_view>(*value) : std::nullopt},
                    &headers);
  const std::string sig_name(trust::kSignatureHeader);
  const std::string& sig = headers.front().second;
  auto e = rd_kafka_producev(
      producer_, RD_KAFKA_V_TOPIC(options_.topic.c_str()), RD_KAFKA_V_PARTITION(0),
      RD_KAFKA_V_KEY(key.data(), key.size()),
      RD_KAFKA_V_HEADER(sig_name.c_str(), sig.data(), static_cast<ssize_t>(sig.size())),
      RD_KAFKA_V_VALUE(value ? const_cast<char*>(value->data()) : nullptr, value ? value->size() : 0),
      RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_TIMESTAMP(clock_->NowMicros() / 1000), RD_KAFKA_V_END);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR && SteadyClock::now() >= next_error_log_) {
    next_error_log_ = SteadyClock::now() + kErrorLogEvery;
    log::Warn("cluster", "cannot publish the membership record", {{"error", rd_kafka_err2str(e)}});
  }
}

bool Membership::TopicExists() {
  // Every topic's metadata: asking for one topic by name may make a broker
  // auto-create it with its defaults (not compacted).
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(producer_, 1, nullptr, &md, kMetadataMillis) != RD_KAFKA_RESP_ERR_NO_ERROR) return false;
  bool exists = false;
  for (int i = 0; i < md->topic_cnt; ++i) {
    exists = exists || (md->topics[i].topic == options_.topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  rd_kafka_metadata_destroy(md);
  return exists;
}

void Membership::CreateTopicIfMissing() {
  if (TopicExists()) return;
  char err[512];
  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(options_.topic.c_str(), 1, -1, err, sizeof err);
  if (!topic) {
    log::Warn("cluster", "cannot describe the membership topic", {{"error", err}});
    return;
  }
  // Compacted: the newest record per instance is all anyone needs.
  rd_kafka_NewTopic_set_config(topic, "cleanup.policy", "compact");
  rd_kafka_queue_t* queue = rd_kafka_queue_new(producer_);
  rd_kafka_AdminOptions_t* admin = rd_kafka_AdminOptions_new(producer_, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(admin, kCreateTopicMillis, err, sizeof err);
  rd_kafka_CreateTopics(producer_, &topic, 1, admin, queue);
  // Waited for in slices, so that Stop() is not held up by a slow cluster.
  rd_kafka_event_t* event = nullptr;
  const auto give_up = SteadyClock::now() + std::chrono::milliseconds(kCreateTopicMillis + 1000);
  while (!event && !stop_ && SteadyClock::now() < give_up) event = rd_kafka_queue_poll(queue, kPollMillis);
  std::string error;
  if (!event) {
    error = "no answer from the cluster";
  } else if (rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    error = rd_kafka_event_error_string(event);
  } else if (const auto* result = rd_kafka_event_CreateTopics_result(event)) {
    size_t n = 0;
    const rd_kafka_topic_result_t** topics = rd_kafka_CreateTopics_result_topics(result, &n);
    if (n == 1 && rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_NO_ERROR &&
        rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      error = rd_kafka_topic_result_error_string(topics[0]);
    } else if (n == 1 && rd_kafka_topic_result_error(topics[0]) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      log::Info("cluster", "membership topic created", {{"topic", options_.topic}});
    }
  }
  if (!error.empty()) {
    log::Warn("cluster", "cannot create the membership topic; it must exist (1 partition, cleanup.policy=compact)",
              {{"topic", options_.topic}, {"error", error}});
  }
  if (event) rd_kafka_event_destroy(event);
  rd_kafka_AdminOptions_destroy(admin);
  rd_kafka_queue_destroy(queue);
  rd_kafka_NewTopic_destroy(topic);
}

Owner Membership::OwnerOf(int32_t partition) const {
  const auto now = clock_->NowMicros();
  std::lock_guard lock(mu_);
  return table_.OwnerOf(partition, now, options_.instance_id);
}

std::vector<Member> Membership::Live() const {
  const auto now = clock_->NowMicros();
  std::lock_guard lock(mu_);
  return table_.Live(now);
}

}  // namespace riskd::cluster
