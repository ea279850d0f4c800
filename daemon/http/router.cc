#include "daemon/http/router.h"

#include <optional>
#include <vector>

#include "daemon/http/target.h"

namespace riskd::http {
namespace {

// Segments are compared after percent-decoding: "config%3Areload" is
// "config:reload" to a URI (RFC 3986 section 6.2.2.2).
bool SegmentIs(std::string_view raw, std::string_view literal) {
  if (raw == literal) return true;
  if (raw.find('%') == std::string_view::npos) return false;
  auto decoded = PercentDecode(raw);
  return decoded && *decoded == literal;
}

// The route whose path `segments` match, whatever the method.
std::optional<Route> FindRoute(const std::vector<std::string_view>& s, Surface surface) {
  if (s.size() == 1) {
    if (SegmentIs(s[0], "healthz")) return Route::kHealthz;
    if (SegmentIs(s[0], "readyz")) return Route::kReadyz;
    if (SegmentIs(s[0], "metrics")) return Route::kMetrics;
    return std::nullopt;
  }
  if (surface != Surface::kApi || s.empty() || !SegmentIs(s[0], "v1")) return std::nullopt;
  if (s.size() == 2) {
    if (SegmentIs(s[1], "config")) return Route::kConfig;
    if (SegmentIs(s[1], "config:reload")) return Route::kConfigReload;
    return std::nullopt;
  }
  // An empty {accountId} still names the route; the handler answers 400.
  if (s.size() == 4 && SegmentIs(s[1], "accounts")) {
    if (SegmentIs(s[3], "risk")) return Route::kRisk;
    if (SegmentIs(s[3], "evaluate")) return Route::kEvaluate;
    if (SegmentIs(s[3], "feedback")) return Route::kFeedback;
  }
  return std::nullopt;
}

}  // namespace

std::variant<RouteMatch, RouteMiss> MatchRoute(std::string_view method, std::string_view target,
                                               Surface surface) {
  const SplitTarget split = SplitPathAndQuery(target);
  const auto segments = PathSegments(split.path);
  const auto route = FindRoute(segments, surface);
  if (!route) return RouteMiss{404, "NOT_FOUND", "no such route", ""};
  const std::string_view expected = RouteMethod(*route);
  const bool method_ok = method == expected || (method == "HEAD" && expected == "GET");
  if (!method_ok) {
    std::string allow(expected);
    if (expected == "GET") allow += ", HEAD";
    return RouteMiss{405, "METHOD_NOT_ALLOWED", "use " + std::string(expected), allow};
  }
  RouteMatch match{*route, "", std::string(split.query)};
  if (segments.size() == 4) match.account_segment = std::string(segments[2]);
  return match;
}

std::string_view RouteMethod(Route route) {
  switch (route) {
    case Route::kEvaluate:
    case Route::kFeedback:
    case Route::kConfigReload: return "POST";
    case Route::kRisk:
    case Route::kConfig:
    case Route::kHealthz:
    case Route::kReadyz:
    case Route::kMetrics: return "GET";
  }
  return "GET";
}

std::string_view RouteLabel(Route route) {
  switch (route) {
    case Route::kRisk: return "/v1/accounts/{accountId}/risk";
    case Route::kEvaluate: return "/v1/accounts/{accountId}/evaluate";
    case Route::kFeedback: return "/v1/accounts/{accountId}/feedback";
    case Route::kConfig: return "/v1/config";
    case Route::kConfigReload: return "/v1/config:reload";
    case Route::kHealthz: return "/healthz";
    case Route::kReadyz: return "/readyz";
    case Route::kMetrics: return "/metrics";
  }
  return kUnmatchedRouteLabel;
}

std::optional<Role> RequiredRole(Route route) {
  switch (route) {
    case Route::kRisk:
    case Route::kEvaluate: return Role::kSupport;
    case Route::kFeedback:
    case Route::kConfig: return Role::kAnalyst;
    case Route::kConfigReload: return Role::kAdmin;
    case Route::kHealthz:
    case Route::kReadyz:
    case Route::kMetrics: return std::nullopt;
  }
  return Role::kAdmin;
}

}  // namespace riskd::http
