// Topics riskd owns: the state changelog must be compacted and have exactly
// the input's partition count (partition N of the changelog mirrors input
// partition N). A broker that auto-creates topics (Apache Kafka's default,
// auto.create.topics.enable=true) creates any topic a client merely asks
// metadata for, with the broker's default partition count — and riskd's
// own producer used to ask for the changelog's metadata before creating it.
// So the daemon ensures the changelog first, with a client that never
// auto-creates, before any producer or consumer exists (daemon/app).
//
// PlanOwnedTopic is the decision, a pure function so tests drive it;
// EnsureOwnedTopic observes the broker, decides and acts (Admin API).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "daemon/kafka/kafka_options.h"
#include "scoring/result.h"

namespace riskd::kafka {

// A topic as the broker shows it.
struct TopicShape {
  bool exists = false;
  int32_t partitions = 0;
  // Every partition's high watermark is 0: nothing was ever written (an
  // auto-created topic nobody used). Meaningful only when `exists`.
  bool empty = false;
};

enum class TopicVerdict {
  kReady,     // exists with the wanted partition count
  kCreate,    // missing: create it
  kRecreate,  // wrong partition count but empty: delete and create it
  kRefuse,    // wrong partition count and holds records: refuse to start
};

struct TopicPlan {
  TopicVerdict verdict = TopicVerdict::kReady;
  std::string message;  // for kRecreate (logged) and kRefuse (the error)
};

// What to do with owned topic `topic` that should have `want` partitions.
TopicPlan PlanOwnedTopic(const std::string& topic, const TopicShape& shape, int32_t want);

struct OwnedTopicSpec {
  std::string topic;
  // The topics whose partition count it mirrors (the input topics); the
  // first existing one gives the count. Empty: `partitions` below.
  std::vector<std::string> mirror;
  int32_t partitions = 1;
  std::vector<std::pair<std::string, std::string>> configs = {{"cleanup.policy", "compact"}};
};

struct EnsureResult {
  TopicVerdict verdict = TopicVerdict::kReady;  // what was found (and done)
  int32_t partitions = 0;                       // the topic's count afterwards
};

// Observes `spec.topic` with a short-lived client built from `properties`
// (allow.auto.create.topics forced off; topics are looked up in the list of
// all topics, which never creates one), plans, and creates or recreates it.
// Errors: "kafka" (broker unreachable, Admin API refused; the message says
// what to create by hand), "not_copartitioned" (kRefuse), "missing_input"
// (no mirrored topic exists; the consumer's own check names them).
Result<EnsureResult> EnsureOwnedTopic(const Properties& properties, const OwnedTopicSpec& spec,
                                      std::chrono::milliseconds timeout);

}  // namespace riskd::kafka
