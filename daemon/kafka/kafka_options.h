// Options of the Kafka clients, one field per knob with its default. Filled
// from config::Config (kafka.*) by daemon/app.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace riskd::kafka {

class ClientObserver;

// librdkafka properties passed through verbatim (kafka.properties). Applied
// after riskd's own defaults, so an operator can override any of them;
// the few riskd cannot work without are applied last (see consumer.cc).
using Properties = std::vector<std::pair<std::string, std::string>>;

// librdkafka's session.timeout.ms as riskd sets it unless kafka.properties
// does: a member silent this long loses its partitions.
inline constexpr int64_t kDefaultSessionTimeoutMs = 10'000;

// The producer's message.timeout.ms (how long librdkafka retries a record)
// unless kafka.properties sets message.timeout.ms or delivery.timeout.ms:
// the effective session.timeout.ms less a margin (a quarter, at least 1 s;
// never below 1 s). A partition's owner cut off from the broker then gives
// up its queued changelog records about when the group gives its partitions
// to another member, rather than retrying them for librdkafka's default
// 5 minutes into the new owner's tenure (fencing drops any that still land
// late; daemon/pipeline/README.md).
int64_t DefaultMessageTimeoutMs(const Properties& properties);

struct ConsumerOptions {
  Properties properties;
  std::string group_id = "riskd";                        // kafka.group_id
  // Static membership (kafka.instance_id): librdkafka group.instance.id, so
  // a member restarting within session.timeout.ms gets its partitions back
  // without a rebalance. "": dynamic membership.
  std::string instance_id;
  std::vector<std::string> topics = {"account-events"};  // kafka.input_topics
  // A poll batch ends at this many messages or this much time, whichever
  // comes first (kafka.batch_max_messages, kafka.batch_max_wait).
  size_t batch_max_messages = 1000;
  std::chrono::milliseconds batch_max_wait{50};
  // Timeout of the broker calls made at startup and assignment (metadata,
  // committed offsets).
  std::chrono::milliseconds broker_timeout{10'000};
  // Receives librdkafka's statistics and error callbacks (metrics, logs);
  // nullptr: none (librdkafka then logs errors itself). Not owned; must
  // outlive the consumer. Statistics come every statistics.interval.ms
  // (riskd's default 5000; kafka.properties may change it, 0 turns them off).
  ClientObserver* observer = nullptr;
};

struct ProducerOptions {
  Properties properties;
  // Topic-level properties of particular topics (the changelog's
  // compression.type=zstd), applied over librdkafka's topic defaults.
  std::map<std::string, Properties> topic_properties;
  // How long Flush waits at shutdown for outstanding deliveries.
  std::chrono::milliseconds flush_timeout{5'000};
  // As in ConsumerOptions.
  ClientObserver* observer = nullptr;
};

}  // namespace riskd::kafka
