// Prints the Prometheus text exposition riskd's metrics registry produces,
// with every family given at least one child, so the deploy checks can
// compare dashboards and alert rules against what riskd really exports and
// run `promtool check metrics` on it without a running daemon.
#include <cstdio>
#include <string>

#include "daemon/metrics/metrics.h"

int main() {
  riskd::metrics::Metrics m("0.0.0-dump");
  m.EventApplied("login");
  m.EventRejected("malformed");
  m.EventDuplicate();
  m.EventLate();
  m.ObserveProcessingSeconds(0.003);
  m.ObserveEventLagSeconds(2.5);
  m.SetConsumerLag("account-events", 0, 12);
  m.RuleFired("reset_burst", false);
  m.LevelTransition("LOW", "MEDIUM");
  m.UpdatePublished();
  m.ProduceError("msg_timed_out");
  m.KafkaClientError("producer", "all_brokers_down");
  m.SetKafkaBrokers("consumer", {{"127.0.0.1:9092/1", true}});
  m.SetReady(true);
  m.StoreWriteFailure();
  m.MisroutedEvent();
  m.SetRestoreRemaining(0, 10);
  m.Evaluation("SEND_CREDENTIALS", "DENY");
  m.HttpRequest("evaluate", 200, 0.0004);
  m.HttpForwarded("/v1/accounts/{accountId}/risk", 200);
  m.SetClusterMembers(3);
  m.SetAccounts(1);
  m.SetStateBytes(4096);
  m.SetRocksDb(riskd::metrics::RocksDbFigures{.write_slowdowns = 1, .write_stops = 1, .write_stall_micros = 10, .background_errors = 1});
  m.ConfigReload(true);
  m.SetConfigVersion("0123abcd");
  std::string text = m.Scrape();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
