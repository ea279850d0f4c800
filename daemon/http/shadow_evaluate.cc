// The shadow half of POST .../evaluate: the same question put to the
// candidate config of scoring.shadow_config, on the account's shadow state.
// It runs after the live answer is final and can only count and log.
#include <chrono>
#include <string>

#include "daemon/http/routes.h"
#include "daemon/log/log.h"
#include "daemon/log/rate_limit.h"
#include "daemon/metrics/metrics.h"

namespace riskd::http {
namespace {

// A few lines per kind a minute; the metric counts every case.
log::RateLimitedLogger& ShadowLog() {
  static log::RateLimitedLogger logger("shadow", log::RateLimitOptions{5, std::chrono::seconds(60), 16});
  return logger;
}

std::string FactorList(const std::vector<scoring::Factor>& factors) {
  std::string out;
  for (auto f : factors) {
    if (!out.empty()) out += ',';
    out += scoring::name(f);
  }
  return out.empty() ? "-" : out;
}

}  // namespace

void ShadowEvaluate(const Call& call, const std::string& account_id, const scoring::AccountState& live_state,
                    const scoring::EvaluateRequest& request, scoring::EpochMicros as_of,
                    const scoring::EvaluateResult& live) {
  if (!call.running.shadow_engine) return;
  auto read = call.backend.ReadShadowAccount(account_id, call.running.shadow_version);
  if (!read.ok()) {
    ShadowLog().Warn("read", "shadow state not readable; evaluate not compared",
                     {{"account", account_id}, {"error", read.error().message}});
    return;
  }
  // No shadow state of this candidate yet: it starts from the live one, as
  // the pipeline seeds it on the account's next event.
  const scoring::AccountState& state = read->has_value() ? **read : live_state;
  const scoring::EvaluateResult shadow = call.running.shadow_engine->Evaluate(state, request, as_of);
  metrics::ShadowDisagreement kind;
  std::string live_answer{scoring::name(live.decision)}, shadow_answer{scoring::name(shadow.decision)};
  if (shadow.decision != live.decision) {
    kind = metrics::ShadowDisagreement::kDecision;
  } else if (shadow.acceptable_factors != live.acceptable_factors) {
    kind = metrics::ShadowDisagreement::kFactors;
    live_answer += " " + FactorList(live.acceptable_factors);
    shadow_answer += " " + FactorList(shadow.acceptable_factors);
  } else {
    return;
  }
  call.metrics.ShadowDisagreed(kind);
  const std::string_view kind_name = metrics::name(kind);
  ShadowLog().Write(log::Level::kInfo, kind_name, "shadow config disagrees",
                    {{"kind", kind_name}, {"account", account_id}, {"action", scoring::name(request.action)},
                     {"live", live_answer}, {"shadow", shadow_answer}});
}

}  // namespace riskd::http
