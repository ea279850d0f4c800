#include "daemon/kafka/embedded_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace riskd::kafka {

Result<std::unique_ptr<EmbeddedCluster>> EmbeddedCluster::Start(const std::vector<std::string>& topics,
                                                                int32_t partitions, int brokers) {
  std::unique_ptr<EmbeddedCluster> cluster(new EmbeddedCluster());
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  // The handle is only the mock's anchor; it never talks to a broker.
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);
  cluster->handle_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!cluster->handle_) {
    rd_kafka_conf_destroy(conf);
    return Error{"kafka", std::string("embedded cluster handle: ") + err};
  }
  cluster->mock_ = rd_kafka_mock_cluster_new(cluster->handle_, brokers);
  if (!cluster->mock_) return Error{"kafka", "rd_kafka_mock_cluster_new failed"};
  cluster->bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster->mock_);
  for (const auto& topic : topics) {
    auto s = cluster->CreateTopic(topic, partitions);
    if (!s) return s.error();
  }
  return cluster;
}

EmbeddedCluster::~EmbeddedCluster() {
  if (mock_) rd_kafka_mock_cluster_destroy(mock_);
  if (handle_) rd_kafka_destroy(handle_);
}

Status EmbeddedCluster::CreateTopic(const std::string& topic, int32_t partitions) {
  auto e = rd_kafka_mock_topic_create(mock_, topic.c_str(), partitions, 1);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Error{"kafka", "create topic " + topic + ": " + rd_kafka_err2str(e)};
  }
  return OkStatus();
}

Status EmbeddedCluster::SetBrokerDown(int32_t broker_id) {
  auto e = rd_kafka_mock_broker_set_down(mock_, broker_id);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) return Error{"kafka", rd_kafka_err2str(e)};
  return OkStatus();
}

Status EmbeddedCluster::SetBrokerUp(int32_t broker_id) {
  auto e = rd_kafka_mock_broker_set_up(mock_, broker_id);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) return Error{"kafka", rd_kafka_err2str(e)};
  return OkStatus();
}

}  // namespace riskd::kafka
