// What a Kafka client reports besides messages: librdkafka's statistics
// (every statistics.interval.ms) and the errors of its error callback
// (brokers down, authentication, fatal idempotence errors). daemon/app
// implements it to feed metrics and logs.
//
// Both calls arrive on the thread that polls the client (for the consumer,
// the event pipeline's): implementations must return at once, e.g. by
// handing the statistics text to another thread to parse.
#pragma once

#include <string>
#include <string_view>

namespace riskd::kafka {

class ClientObserver {
 public:
  virtual ~ClientObserver() = default;
  // `client`: "consumer" or "producer". `json`: librdkafka's statistics
  // document (see client_stats.h).
  virtual void OnStatistics(std::string_view client, std::string json) = 0;
  // `reason`: ErrorReason() of the error; `fatal`: the client cannot go on
  // (an idempotent producer's fatal error).
  virtual void OnClientError(std::string_view client, std::string_view reason, std::string_view message,
                             bool fatal) = 0;
};

}  // namespace riskd::kafka
