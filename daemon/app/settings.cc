#include "daemon/app/settings.h"

#include <unistd.h>

#include <chrono>

#include "daemon/config/config.h"
#include "daemon/config/env_expand.h"
#include "daemon/config/http_url.h"
#include "daemon/kafka/partitioner.h"

namespace riskd::app {
namespace {

std::string HostName() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

// http.listen's host and port ("[::1]:8080" -> "::1", "8080").
std::pair<std::string, std::string> SplitListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return {host, listen.substr(colon + 1)};
}

// kafka.instance_id, http.advertised_url: expanded, or derived from the
// host name and http.listen.
Status ClusterIdentity(const config::Config& config, Settings* s, std::vector<std::string>* problems) {
  const auto env = config::ProcessEnv();
  const auto [listen_host, listen_port] = SplitListen(config.http.listen);
  const bool any_interface = listen_host == "0.0.0.0" || listen_host == "::" || listen_host.empty();
  const std::string host = HostName();
  if (config.kafka.instance_id.empty()) {
    s->instance_id = host + "-" + listen_port;
  } else if (auto id = config::ExpandEnv(config.kafka.instance_id, env); !id) {
    problems->push_back("kafka.instance_id: " + id.error().message);
  } else if (id->empty()) {
    problems->push_back("kafka.instance_id: is empty once expanded");
  } else {
    s->instance_id = *id;
  }
  if (config.http.advertised_url.empty()) {
    const std::string url_host = any_interface ? host : listen_host;
    const bool v6 = url_host.find(':') != std::string::npos;
    s->advertised_url = "http://" + (v6 ? "[" + url_host + "]" : url_host) + ":" + listen_port;
    s->advertised_url_port_from_listener = listen_port == "0";
  } else if (auto url = config::ExpandEnv(config.http.advertised_url, env); !url) {
    problems->push_back("http.advertised_url: " + url.error().message);
  } else if (auto parsed = config::ParseHttpUrl(*url); !parsed) {
    problems->push_back("http.advertised_url: " + *url + " " + parsed.error().message);
  } else {
    s->advertised_url = *url;
  }
  if (!problems->empty()) return Error{"invalid_config", "cannot start with this environment"};
  return OkStatus();
}

}  // namespace

Result<Settings> LoadSettings(const std::string& path, std::vector<std::string>* problems) {
  auto loaded = config::LoadConfig(path);
  if (!loaded.ok()) {
    for (const auto& p : loaded.problems) problems->push_back(p.path + ": " + p.message);
    return Error{"invalid_config", path + ": " + std::to_string(loaded.problems.size()) + " problem(s)"};
  }
  auto config = std::make_shared<const config::Config>(std::move(loaded.config));
  const auto& k = config->kafka;
  Settings s;
  s.config = config;
  s.config_version = loaded.config_version;
  s.scoring = std::shared_ptr<const scoring::ScoringConfig>(config, &config->scoring);
  s.shadow_scoring = loaded.shadow_scoring;
  s.shadow_version = loaded.shadow_version;

  s.store.dir = config->state.dir;
  s.store.sync = config->state.sync;
  s.store.block_cache_bytes = static_cast<size_t>(config->state.block_cache_bytes);
  s.store.write_buffer_bytes = static_cast<size_t>(config->state.write_buffer_bytes);
  s.store.min_free_bytes = config->state.min_free_bytes;
  s.store.audit_retention = config->audit.retention;
  s.store.audit_max_bytes = config->audit.max_bytes;
  // The longest window any state is needed for: familiar contexts (90 d by
  // default), taints, or the duplicate window, whichever is longest.
  s.store.max_idle = std::max({config->scoring.familiar_window, config->scoring.taint_period,
                               config->scoring.duplicate_window});

  kafka::Properties properties(k.properties.begin(), k.properties.end());
  s.embedded_kafka = !k.properties.count("bootstrap.servers");
  s.consumer.properties = properties;
  s.consumer.group_id = k.group_id;
  s.consumer.topics = k.input_topics;
  s.consumer.batch_max_messages = static_cast<size_t>(k.batch_max_messages);
  s.consumer.batch_max_wait = std::chrono::milliseconds(std::max<int64_t>(1, k.batch_max_wait / 1000));
  s.producer.properties = properties;
  // The changelog is compressed: state records compress well, and the
  // embedded mock cluster keeps only 5 MiB per partition.
  s.producer.topic_properties[k.ChangelogTopic()] = {{"compression.type", "zstd"}};

  s.pipeline.decisions_topic = k.decisions_topic;
  s.pipeline.dead_letter_suffix = k.dead_letter_suffix;
  s.pipeline.decisions_format =
      k.decisions_format == "protobuf" ? pipeline::UpdateFormat::kProtobuf : pipeline::UpdateFormat::kJson;
  s.pipeline.partitioner = kafka::ParsePartitioner(k.partitioner).value_or(kafka::Partitioner::kConsistentRandom);
  s.pipeline.readiness_max_lag_messages = config->readiness.max_lag_messages;
  s.pipeline.decode.max_value_bytes = static_cast<size_t>(k.max_event_bytes);
  s.pipeline.changelog_topic = k.ChangelogTopic();
  s.pipeline.max_idle = s.store.max_idle;
  s.pipeline.standby_replicas = static_cast<int>(k.standby_replicas);

  s.embedded_partitions = static_cast<int32_t>(k.partitions_for_embedded);
  for (const auto& topic : k.input_topics) {
    s.embedded_topics.push_back(topic);
    s.embedded_topics.push_back(topic + k.dead_letter_suffix);
  }
  s.embedded_topics.push_back(k.decisions_topic);
  s.embedded_topics.push_back(k.ChangelogTopic());  // co-partitioned with the input
  s.log_level = config->log.level;

  if (auto identity = ClusterIdentity(*config, &s, problems); !identity) return identity.error();
  s.partitioner = s.pipeline.partitioner;
  s.membership.properties = properties;
  // Static membership only when asked for; the expanded, per-pod id.
  s.consumer.instance_id = k.instance_id.empty() ? "" : s.instance_id;
  s.membership.topic = k.MembershipTopic();
  s.membership.instance_id = s.instance_id;
  s.membership.advertised_url = s.advertised_url;
  s.membership.heartbeat_interval = std::chrono::milliseconds(config->cluster.heartbeat_interval / 1000);
  s.membership.member_ttl = config->cluster.member_ttl;
  s.membership.create_topic = !s.embedded_kafka;
  s.membership.standby_replicas = static_cast<int>(k.standby_replicas);  // the plan's sink is the daemon's
  s.forwarder.self_instance_id = s.instance_id;
  s.forwarder.timeout = std::chrono::milliseconds(config->http.forward_timeout / 1000);
  return s;
}

}  // namespace riskd::app
