// Small helpers around librdkafka's C API: owning handles and building a
// configuration from a property list while collecting every bad property.
#pragma once

#include <memory>
#include <string>

#include <librdkafka/rdkafka.h>

#include "daemon/kafka/kafka_options.h"
#include "scoring/result.h"

namespace riskd::kafka {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using ConfPtr = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct TopicPartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const { rd_kafka_topic_partition_list_destroy(l); }
};
using TopicPartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, TopicPartitionListDeleter>;

// Sets each property on `conf`; the error names every property librdkafka
// refused ("<name>: <why>").
Status ApplyProperties(rd_kafka_conf_t* conf, const Properties& properties);

class ClientObserver;

// Hands an error of librdkafka's error callback to `observer`; for a fatal
// error, the underlying error librdkafka reports.
void ReportClientError(rd_kafka_t* rk, int err, const char* reason, ClientObserver* observer, const char* client);

// librdkafka's log callback: its lines go to riskd's log (component
// "rdkafka"), never raw to stderr, so every stderr line stays JSON.
void LogToRiskd(const rd_kafka_t* rk, int level, const char* facility, const char* line);

// True when `properties` sets `name`.
bool HasProperty(const Properties& properties, const std::string& name);

}  // namespace riskd::kafka
