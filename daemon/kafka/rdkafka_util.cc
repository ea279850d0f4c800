#include "daemon/kafka/rdkafka_util.h"

#include "daemon/kafka/client_observer.h"
#include "daemon/kafka/client_stats.h"
#include "daemon/log/log.h"

namespace riskd::kafka {

void LogToRiskd(const rd_kafka_t* /*rk*/, int level, const char* facility, const char* line) {
  const log::Level l = level <= 3 ? log::Level::kError : level <= 5 ? log::Level::kWarn : log::Level::kDebug;
  log::Write(l, "rdkafka", line, {{"facility", facility}});
}

Status ApplyProperties(rd_kafka_conf_t* conf, const Properties& properties) {
  std::string problems;
  for (const auto& [name, value] : properties) {
    char err[512];
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      if (!problems.empty()) problems += "; ";
      problems += "kafka.properties." + name + ": " + err;
    }
  }
  if (!problems.empty()) return Error{"invalid_config", problems};
  return OkStatus();
}

void ReportClientError(rd_kafka_t* rk, int err, const char* reason, ClientObserver* observer, const char* client) {
  if (!observer) return;
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char buf[512];
    const auto underlying = rd_kafka_fatal_error(rk, buf, sizeof buf);
    observer->OnClientError(client, ErrorReason(underlying), buf, /*fatal=*/true);
    return;
  }
  observer->OnClientError(client, ErrorReason(err), reason ? reason : "", /*fatal=*/false);
}

bool HasProperty(const Properties& properties, const std::string& name) {
  for (const auto& [n, v] : properties) {
    if (n == name) return true;
  }
  return false;
}

}  // namespace riskd::kafka
