// The config file turned into each component's options. The only place in
// daemon/app that knows config::Config's fields, so the wiring in daemon.cc
// reads like the startup sequence and nothing else.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "daemon/cluster/forwarder.h"
#include "daemon/cluster/membership.h"
#include "daemon/kafka/kafka_options.h"
#include "daemon/kafka/partitioner.h"
#include "daemon/pipeline/pipeline_options.h"
#include "daemon/store/store_options.h"
#include "daemon/trust/cluster_key.h"
#include "scoring/config.h"
#include "scoring/result.h"

namespace riskd::config {
struct Config;
}

namespace riskd::app {

struct Settings {
  std::shared_ptr<const config::Config> config;  // as loaded, for GET /v1/config
  std::string config_version;                     // configVersion
  std::shared_ptr<const scoring::ScoringConfig> scoring;
  // scoring.shadow_config's candidate (null: no shadow) and its configVersion.
  std::shared_ptr<const scoring::ScoringConfig> shadow_scoring;
  std::string shadow_version;

  store::StoreOptions store;  // clock and writer are filled in by the Daemon
  kafka::ConsumerOptions consumer;
  kafka::ProducerOptions producer;
  pipeline::PipelineOptions pipeline;

  // No bootstrap.servers: start the embedded mock cluster, with these
  // topics of this many partitions.
  bool embedded_kafka = false;
  int32_t embedded_partitions = 8;
  std::vector<std::string> embedded_topics;

  std::string log_level = "info";

  // Scale-out (daemon/cluster). instance_id and advertised_url are
  // kafka.instance_id and http.advertised_url with ${ENV} expanded, or
  // their defaults: <host name>-<http port> and http://<host>:<http port>
  // (the host name when http.listen binds every interface). When
  // http.listen has port 0 the URL's port is the bound one
  // (advertised_url_port_from_listener).
  std::string instance_id;
  std::string advertised_url;
  bool advertised_url_port_from_listener = false;
  kafka::Partitioner partitioner = kafka::Partitioner::kConsistentRandom;
  cluster::MembershipOptions membership;
  cluster::ForwarderOptions forwarder;
  // cluster.secret / cluster.secret_file, or (embedded Kafka, neither set)
  // a random key of this process: signs and verifies membership and
  // changelog records and forwarded requests (daemon/trust). Never logged.
  std::shared_ptr<const trust::ClusterKey> cluster_key = nullptr;
  bool cluster_key_generated = false;
};


// Loads and validates `path`; on failure every problem is named.
Result<Settings> LoadSettings(const std::string& path, std::vector<std::string>* problems);

}  // namespace riskd::app
