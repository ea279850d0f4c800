#include "tests/daemon/http/memory_backend.h"

#include <utility>

#include "daemon/metrics/metrics.h"

namespace riskd::http::testing {

MemoryBackend::MemoryBackend(scoring::EpochMicros now, std::shared_ptr<const RunningConfig> config,
                             metrics::Metrics* metrics)
    : now_(now), config_(std::move(config)), metrics_(metrics) {}

void MemoryBackend::SetNow(scoring::EpochMicros now) {
  std::lock_guard lock(mu_);
  now_ = now;
}

scoring::ApplyResult MemoryBackend::ApplyEvent(const std::string& account_id, const scoring::Event& event) {
  std::lock_guard lock(mu_);
  return config_->engine->Apply(accounts_[account_id], event);
}

void MemoryBackend::SetConfig(std::shared_ptr<const RunningConfig> config) {
  std::lock_guard lock(mu_);
  config_ = std::move(config);
}

void MemoryBackend::SetReload(std::function<ReloadOutcome()> reload) {
  std::lock_guard lock(mu_);
  reload_ = std::move(reload);
}

void MemoryBackend::SetReady(Readiness readiness) {
  std::lock_guard lock(mu_);
  readiness_ = std::move(readiness);
}

void MemoryBackend::SetUnavailable(const std::string& account_id) {
  std::lock_guard lock(mu_);
  unavailable_.insert(account_id);
}

void MemoryBackend::SetAuditFails(bool fails) {
  std::lock_guard lock(mu_);
  audit_fails_ = fails;
}

void MemoryBackend::SetAuditLimit(std::size_t max) {
  std::lock_guard lock(mu_);
  audit_limit_ = max;
}

std::vector<AuditRecord> MemoryBackend::audits() const {
  std::lock_guard lock(mu_);
  return audits_;
}

int MemoryBackend::reads() const {
  std::lock_guard lock(mu_);
  return reads_;
}

scoring::EpochMicros MemoryBackend::Now() {
  std::lock_guard lock(mu_);
  return now_;
}

std::shared_ptr<const RunningConfig> MemoryBackend::CurrentConfig() {
  std::lock_guard lock(mu_);
  return config_;
}

Result<std::optional<scoring::AccountState>> MemoryBackend::ReadAccount(std::string_view account_id) {
  std::lock_guard lock(mu_);
  ++reads_;
  if (unavailable_.count(account_id)) return Error{"unavailable", "partition not assigned here"};
  auto it = accounts_.find(account_id);
  if (it == accounts_.end()) return std::optional<scoring::AccountState>();
  return std::optional<scoring::AccountState>(it->second);
}

Result<scoring::EpochMicros> MemoryBackend::ApplyLabel(std::string_view account_id, scoring::Label label,
                                                       std::string_view note, std::string_view) {
  std::lock_guard lock(mu_);
  if (unavailable_.count(account_id)) return Error{"unavailable", "partition not assigned here"};
  const std::string id = "label-" + std::to_string(++labels_);
  config_->engine->Apply(accounts_[std::string(account_id)],
                         scoring::LabelEvent(id, now_, label, std::string(note)));
  return now_;
}

Status MemoryBackend::Audit(const AuditRecord& record) {
  std::lock_guard lock(mu_);
  if (audit_fails_) return Error{"io_error", "audit store unavailable"};
  if (audits_.size() < audit_limit_) audits_.push_back(record);
  return OkStatus();
}

ReloadOutcome MemoryBackend::ReloadConfig() {
  std::function<ReloadOutcome()> reload;
  {
    std::lock_guard lock(mu_);
    reload = reload_;
    if (!reload) return ReloadOutcome{true, config_->version, {}, {}};
  }
  return reload();
}

Readiness MemoryBackend::Ready() {
  std::lock_guard lock(mu_);
  return readiness_;
}

std::string MemoryBackend::ScrapeMetrics() { return metrics_ ? metrics_->Scrape() : std::string(); }

}  // namespace riskd::http::testing
