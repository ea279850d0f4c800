// The embedded Kafka of SPEC section 7: librdkafka's mock cluster on
// loopback, started in-process when no bootstrap.servers is configured, so
// the daemon runs (and the README's demo works) without a broker. Any Kafka
// client can reach it at bootstrap().
//
// The mock keeps only the newest 5 MiB / 100k message sets per partition and
// loses everything when the process exits: for trying riskd out and for
// tests, never for production.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scoring/result.h"

typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace riskd::kafka {

class EmbeddedCluster {
 public:
  // Starts a cluster of `brokers` brokers and creates `topics` with
  // `partitions` partitions each.
  static Result<std::unique_ptr<EmbeddedCluster>> Start(const std::vector<std::string>& topics,
                                                        int32_t partitions, int brokers = 1);
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  // "127.0.0.1:port[,…]"
  const std::string& bootstrap() const { return bootstrap_; }

  Status CreateTopic(const std::string& topic, int32_t partitions);
  // Fault injection for tests: a broker going away and coming back.
  Status SetBrokerDown(int32_t broker_id);
  Status SetBrokerUp(int32_t broker_id);

  rd_kafka_mock_cluster_t* mock() { return mock_; }

 private:
  EmbeddedCluster() = default;
  rd_kafka_t* handle_ = nullptr;  // owns the mock's bookkeeping
  rd_kafka_mock_cluster_t* mock_ = nullptr;
  std::string bootstrap_;
};

}  // namespace riskd::kafka
