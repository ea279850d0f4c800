#include "daemon/app/settings.h"

#include <chrono>

#include "daemon/config/config.h"
#include "daemon/kafka/partitioner.h"

namespace riskd::app {

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
  // The longest window any state is needed for: familiar contexts (90 d by
  // default), taints, or the duplicate window, whichever is longest.
  s.store.max_idle = std::max({config->scoring.familiar_window, config->scoring.taint_period,
                               config->scoring.duplicate_window});

  kafka::Properties properties(k.properties.begin(), k.properties.end());
  s.embedded_kafka = !k.properties.count("bootstrap.servers");
  s.consumer.properties = properties;
  s.consumer.group_id = k.group_id;
  s.consumer.instance_id = k.instance_id;
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

  s.embedded_partitions = static_cast<int32_t>(k.partitions_for_embedded);
  for (const auto& topic : k.input_topics) {
    s.embedded_topics.push_back(topic);
    s.embedded_topics.push_back(topic + k.dead_letter_suffix);
  }
  s.embedded_topics.push_back(k.decisions_topic);
  s.embedded_topics.push_back(k.ChangelogTopic());  // co-partitioned with the input
  s.log_level = config->log.level;
  return s;
}

}  // namespace riskd::app
