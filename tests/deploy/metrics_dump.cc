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
  m.ProduceError();
  m.StoreWriteFailure();
  m.Evaluation("SEND_CREDENTIALS", "DENY");
  m.HttpRequest("evaluate", 200, 0.0004);
  m.SetAccounts(1);
  m.SetStateBytes(4096);
  m.SetRocksDbFigure("estimate_pending_compaction_bytes", 0);
  m.SetRocksDbFigure("write_stall_count", 0);
  m.ConfigReload(true);
  m.SetConfigVersion("0123abcd");
  std::string text = m.Scrape();
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}
