// Internal to daemon/http: one function per route of SPEC section 5. Api
// (api.cc) has already matched the route, checked the token and the role,
// and taken the config snapshot; these validate the request's own input
// and answer.
#pragma once

#include <string>

#include "daemon/http/auth.h"
#include "daemon/http/backend.h"
#include "daemon/http/message.h"
#include "daemon/http/router.h"

namespace riskd::metrics {
class Metrics;
}

namespace riskd::http {

struct ApiOptions;

struct Call {
  const Request& request;
  const RouteMatch& match;
  const RunningConfig& running;  // the snapshot this request started with
  const Principal* principal;    // null on the open routes
  ApiBackend& backend;
  metrics::Metrics& metrics;
  const ApiOptions& options;
};

// account_routes.cc
Response ServeRisk(const Call& call);
Response ServeEvaluate(const Call& call);
Response ServeFeedback(const Call& call);
// shadow_evaluate.cc: the evaluate question put to the shadow config too
// (when one is in force); counts and logs a disagreement, never changes
// the answer.
void ShadowEvaluate(const Call& call, const std::string& account_id, const scoring::AccountState& live_state,
                    const scoring::EvaluateRequest& request, scoring::EpochMicros as_of,
                    const scoring::EvaluateResult& live);
// config_routes.cc
Response ServeConfig(const Call& call);
Response ServeConfigReload(const Call& call);
// ops_routes.cc
Response ServeHealthz(const Call& call);
Response ServeReadyz(const Call& call);
Response ServeMetrics(const Call& call);

// The 503 for "this instance cannot answer now": the client may retry
// (here or on another instance) after Retry-After seconds.
Response Unavailable(std::string_view message);

}  // namespace riskd::http
