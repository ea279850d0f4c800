// Every metric of SPEC section 8, registered in one place. Components call
// readable methods (`metrics.EventRejected("malformed")`), never registry
// code. Label sets that the event path uses are created up front, so the
// per-event path takes no registry lock; a label value seen for the first
// time (an unexpected rejection reason, a new HTTP status) is created once
// under a mutex and cached.
//
// Thread-safe. Metric names are part of the product contract.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
}

namespace riskd::metrics {

// riskd_shadow_disagreements_total{kind}: where the candidate config of
// scoring.shadow_config answered otherwise than the live one.
enum class ShadowDisagreement {
  kLevel,     // an event: the level as of its time after applying it
  kUpdate,    // an event: one config publishes a RiskUpdate, the other not
  kDecision,  // an evaluate call: ALLOW / STEP_UP / DENY
  kFactors,   // an evaluate call: same decision, other acceptableFactors
};
inline constexpr int kShadowDisagreementCount = 4;
// The `kind` label: "level", "update", "decision", "factors".
std::string_view name(ShadowDisagreement kind);

class Metrics {
 public:
  // `build_version` is exported as riskd_build_info{version}.
  explicit Metrics(std::string_view build_version);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The Prometheus text exposition of everything registered.
  std::string Scrape() const;
  prometheus::Registry& registry();

  // --- the event path: every consumed message lands in exactly one of these three.
  void EventApplied(std::string_view type);  // login, password_reset, support_request, verification, account_change
  void EventRejected(std::string_view reason);
  void EventDuplicate();
  // Applied, but later than allowed_lateness (also counted in EventApplied).
  void EventLate();
  void ObserveProcessingSeconds(double seconds);  // receive -> state committed
  void ObserveEventLagSeconds(double seconds);    // event time -> committed
  void SetConsumerLag(const std::string& topic, int32_t partition, int64_t messages);
  void RemoveConsumerLag(const std::string& topic, int32_t partition);
  void RuleFired(std::string_view rule, bool shadow);
  void LevelTransition(std::string_view from, std::string_view to);
  void UpdatePublished();
  void ProduceError();
  void StoreWriteFailure();
  // A consumed message whose key maps (kafka.partitioner) to another
  // partition than the one it arrived on (issue 9: it breaks routing).
  void MisroutedEvent();
  // riskd_restore_remaining_messages{partition}: changelog messages a
  // running restore still has to read; removed when it ends.
  void SetRestoreRemaining(int32_t partition, int64_t messages);
  void RemoveRestoreRemaining(int32_t partition);
  void ShadowDisagreed(ShadowDisagreement kind);  // every kind is pre-created: no lock

  // --- the API
  void Evaluation(std::string_view action, std::string_view decision);
  void HttpRequest(std::string_view route, int code, double seconds);

  // --- state and config
  void SetAccounts(int64_t accounts);
  void SetStateBytes(int64_t bytes);
  void SetRocksDbFigure(std::string_view name, double value);  // riskd_rocksdb_*{name}
  void ConfigReload(bool ok);
  void SetConfigVersion(const std::string& version);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace riskd::metrics
