// ApiBackend in memory, for the API tests: accounts in a map, events
// applied with the running Engine (as the pipeline would), labels applied
// as label events at Now(), a fixed clock the test moves, and switches to
// make reads, labels or audits fail.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "daemon/http/backend.h"
#include "scoring/event.h"

namespace riskd::metrics {
class Metrics;
}

namespace riskd::http::testing {

class MemoryBackend final : public ApiBackend {
 public:
  // ScrapeMetrics returns `metrics`' scrape (which may be null: empty text).
  MemoryBackend(scoring::EpochMicros now, std::shared_ptr<const RunningConfig> config,
                metrics::Metrics* metrics);

  // --- what the test does
  void SetNow(scoring::EpochMicros now);
  // Applies an event with the running engine, as the pipeline would.
  scoring::ApplyResult ApplyEvent(const std::string& account_id, const scoring::Event& event);
  void SetConfig(std::shared_ptr<const RunningConfig> config);
  // What the next ReloadConfig does (default: ok, same version).
  void SetReload(std::function<ReloadOutcome()> reload);
  void SetReady(Readiness readiness);
  // ReadAccount and ApplyLabel of this account answer "unavailable".
  void SetUnavailable(const std::string& account_id);
  void SetAuditFails(bool fails);
  // Keep at most `max` audit records (the load target runs for millions).
  void SetAuditLimit(std::size_t max);
  std::vector<AuditRecord> audits() const;
  int reads() const;

  // --- ApiBackend
  scoring::EpochMicros Now() override;
  std::shared_ptr<const RunningConfig> CurrentConfig() override;
  Result<std::optional<scoring::AccountState>> ReadAccount(std::string_view account_id) override;
  Result<scoring::EpochMicros> ApplyLabel(std::string_view account_id, scoring::Label label,
                                          std::string_view note, std::string_view analyst) override;
  Status Audit(const AuditRecord& record) override;
  ReloadOutcome ReloadConfig() override;
  Readiness Ready() override;
  std::string ScrapeMetrics() override;

 private:
  mutable std::mutex mu_;
  scoring::EpochMicros now_;
  std::shared_ptr<const RunningConfig> config_;
  std::map<std::string, scoring::AccountState, std::less<>> accounts_;
  std::function<ReloadOutcome()> reload_;
  Readiness readiness_{true, "ok"};
  metrics::Metrics* metrics_;
  std::set<std::string, std::less<>> unavailable_;
  bool audit_fails_ = false;
  std::vector<AuditRecord> audits_;
  std::size_t audit_limit_ = SIZE_MAX;
  int reads_ = 0;
  int labels_ = 0;
};

}  // namespace riskd::http::testing
