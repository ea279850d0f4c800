// SPEC section 5's routes and nothing else. Matching only decides which
// route a request is for (or 404/405); the account id and the query are
// validated by the handlers, after authentication, so that an
// unauthenticated client learns nothing from input validation.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <variant>

#include "daemon/http/auth.h"

namespace riskd::http {

enum class Route {
  kRisk,          // GET  /v1/accounts/{accountId}/risk
  kEvaluate,      // POST /v1/accounts/{accountId}/evaluate
  kFeedback,      // POST /v1/accounts/{accountId}/feedback
  kConfig,        // GET  /v1/config
  kConfigReload,  // POST /v1/config:reload
  kHealthz,       // GET  /healthz
  kReadyz,        // GET  /readyz
  kMetrics,       // GET  /metrics
};

// Every route, in the order above: the table docs/openapi.yaml is checked
// against (tests/daemon/http/openapi_test.cc).
inline constexpr std::array<Route, 8> kAllRoutes = {
    Route::kRisk,    Route::kEvaluate, Route::kFeedback, Route::kConfig,
    Route::kConfigReload, Route::kHealthz, Route::kReadyz, Route::kMetrics};

// The one method a route answers ("GET" or "POST"); HEAD is also served
// wherever GET is.
std::string_view RouteMethod(Route route);

// Which routes a listener serves: http.listen serves everything,
// metrics.listen only /metrics, /healthz and /readyz (so exposing the
// metrics port to a scraper network never exposes the API).
enum class Surface { kApi, kOps };

struct RouteMatch {
  Route route;
  std::string account_segment;  // still percent-encoded; empty for non-account routes
  std::string query;            // after '?', still encoded
};

struct RouteMiss {
  int status;           // 404, 405
  std::string code;     // NOT_FOUND, METHOD_NOT_ALLOWED
  std::string message;
  std::string allow;    // for 405: the Allow header's value
};

// HEAD is served wherever GET is (the server drops the body).
std::variant<RouteMatch, RouteMiss> MatchRoute(std::string_view method, std::string_view target,
                                               Surface surface);

// The metrics label of a route: its template, e.g.
// "/v1/accounts/{accountId}/risk" — a bounded set, never a raw path.
std::string_view RouteLabel(Route route);
// The label of requests that matched no route (404, 405, malformed).
inline constexpr std::string_view kUnmatchedRouteLabel = "unmatched";

// The least role a route needs; nullopt for the open routes (/healthz,
// /readyz, /metrics).
std::optional<Role> RequiredRole(Route route);

}  // namespace riskd::http
