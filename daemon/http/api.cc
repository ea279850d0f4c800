// Per request: match the route, authenticate and authorize, take the config
// snapshot, call the route's function, count the request.
#include "daemon/http/api.h"

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "daemon/config/config.h"
#include "daemon/http/auth.h"
#include "daemon/http/responses.h"
#include "daemon/http/routes.h"
#include "daemon/http/target.h"
#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"

namespace riskd::http {
namespace {

// RFC 6750: a 401 says which scheme to use, and whether a token was
// presented but refused.
Response Unauthenticated(bool token_presented) {
  Response response = ErrorResponse(401, "UNAUTHENTICATED",
                                    token_presented ? "the bearer token is not valid"
                                                    : "an Authorization: Bearer <token> header is required");
  response.headers.emplace_back("WWW-Authenticate", token_presented
                                                        ? R"(Bearer realm="riskd", error="invalid_token")"
                                                        : R"(Bearer realm="riskd")");
  return response;
}

// A forwarded request whose Riskd-* identity does not verify: whoever sent
// it is no peer, whatever token it may carry as well.
Response PeerUnauthenticated(std::string_view why) {
  Response response = ErrorResponse(401, "UNAUTHENTICATED", "forwarded request refused: " + std::string(why));
  response.headers.emplace_back("WWW-Authenticate", R"(Bearer realm="riskd")");
  return response;
}

Response Serve(Route route, const Call& call) {
  switch (route) {
    case Route::kRisk: return ServeRisk(call);
    case Route::kEvaluate: return ServeEvaluate(call);
    case Route::kFeedback: return ServeFeedback(call);
    case Route::kConfig: return ServeConfig(call);
    case Route::kConfigReload: return ServeConfigReload(call);
    case Route::kHealthz: return ServeHealthz(call);
    case Route::kReadyz: return ServeReadyz(call);
    case Route::kMetrics: return ServeMetrics(call);
  }
  return ErrorResponse(500, "INTERNAL", "unhandled route");
}

}  // namespace

Response Unavailable(std::string_view message) {
  Response response = ErrorResponse(503, "UNAVAILABLE", message);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

Api::Api(ApiBackend& backend, metrics::Metrics& metrics, ApiOptions options)
    : backend_(backend), metrics_(metrics), options_(options) {}

Response Api::Handle(const Request& request) {
  std::promise<Response> answer;
  auto future = answer.get_future();
  HandleAsync(request, [&answer](Response response) { answer.set_value(std::move(response)); });
  return future.get();
}

void Api::HandleAsync(Request request, std::function<void(Response)> respond) {
  // Request latency for riskd_http_request_duration_seconds: a duration on
  // the monotonic clock, not a point in time, so not the backend's clock.
  const auto start = std::chrono::steady_clock::now();
  std::string_view label = kUnmatchedRouteLabel;
  Principal caller;
  Outcome outcome = Dispatch(request, &label, &caller);
  if (outcome.response) {
    outcome.response->authenticated = outcome.authenticated;
    Finish(label, request.method, start, *outcome.response);
    return respond(std::move(*outcome.response));
  }
  // Owned elsewhere: the owner answers (labels are static strings, the
  // method is copied, so nothing dangles when `done` runs later).
  auto done = [this, label, method = request.method, start, respond = std::move(respond),
               via = options_.routing->instance_id(), authenticated = outcome.authenticated](Response response) {
    response.authenticated = authenticated;
    // The owner's Riskd-Instance stays; this instance adds itself as Via.
    response.headers.emplace_back(std::string(kViaHeader), via);
    metrics_.HttpForwarded(label, response.status);
    Finish(label, method, start, response);
    respond(std::move(response));
  };
  options_.routing->Forward(request, caller, outcome.forward, std::move(done));
}

void Api::Finish(std::string_view label, std::string_view method, std::chrono::steady_clock::time_point start,
                 Response& response) {
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  metrics_.HttpRequest(label, response.status, seconds.count());
  if (options_.routing) {
    bool stamped = false;
    for (const auto& [name, value] : response.headers) stamped = stamped || name == kInstanceHeader;
    if (!stamped) response.headers.emplace_back(std::string(kInstanceHeader), options_.routing->instance_id());
  }
  if (response.status >= 400) LogError(label, method, response.status);
}

void Api::LogError(std::string_view route, std::string_view method, int status) {
  const std::string code = std::to_string(status);
  std::string key(route);
  key += ' ';
  key += code;
  // The method is the client's text: only its first bytes.
  errors_log_.Warn(key, status >= 500 ? "request failed" : "request refused",
                   {{"route", route}, {"method", method.substr(0, 16)}, {"status", code}});
}

Api::Outcome Api::Dispatch(const Request& request, std::string_view* route_label, Principal* caller) {
  const auto matched = MatchRoute(request.method, request.target, options_.surface);
  if (const auto* miss = std::get_if<RouteMiss>(&matched)) {
    Response response = ErrorResponse(miss->status, miss->code, miss->message);
    if (!miss->allow.empty()) response.headers.emplace_back("Allow", miss->allow);
    return {std::move(response), {}};
  }
  const RouteMatch& match = std::get<RouteMatch>(matched);
  *route_label = RouteLabel(match.route);

  // One snapshot for the whole request: the tokens that let it in, the
  // engine that answers it and the configVersion stamped on the answer
  // all belong to the same config, even if a reload lands meanwhile.
  std::shared_ptr<const RunningConfig> running = backend_.CurrentConfig();
  const auto required = RequiredRole(match.route);
  if (!running || !running->engine || !running->config) {
    // Only reachable during startup or in a broken test double; the open
    // routes do not need a config.
    if (required) return {Unavailable("no config loaded"), {}};
    running = std::make_shared<const RunningConfig>();
  }

  std::optional<Principal> principal;
  if (required && request.from_peer()) {
    // Forwarded by a peer: its signature vouches for the caller (the
    // client's token never travels); the same role checks follow.
    auto peer = AuthenticatePeer(request);
    if (!peer) return {PeerUnauthenticated(peer.error().message), {}};
    principal = std::move(*peer);
  } else if (required) {
    const auto token = BearerToken(request.authorization);
    if (token) principal = config::Authenticate(running->config->auth.tokens, *token);
    if (!principal) return {Unauthenticated(!request.authorization.empty()), {}};
  }
  if (required) {
    if (!config::RoleAtLeast(principal->role, *required)) {
      return {ErrorResponse(403, "PERMISSION_DENIED",
                            "role " + std::string(config::RoleName(principal->role)) + " may not do this; it needs " +
                                std::string(config::RoleName(*required))),
              {},
              /*authenticated=*/true};
    }
  }
  // Renews the connection's keep-alive lease (ServerOptions::
  // keep_alive_needs_auth): open routes alone do not hold a connection.
  const bool authenticated = principal.has_value();
  // Scale-out: an account whose partition another instance serves is
  // answered there, after this instance has authenticated and authorized
  // the caller (the owner checks the signed identity and the role again).
  if (options_.routing && !match.account_segment.empty()) {
    auto account_id = DecodeAccountId(match.account_segment);
    if (!account_id.ok()) {
      return {ErrorResponse(400, "INVALID_ARGUMENT", account_id.error().message), {}, authenticated};
    }
    Placement placement = options_.routing->Place(*account_id, request.from_peer());
    if (placement.kind == Placement::Kind::kUnavailable) return {Unavailable(placement.reason), {}, authenticated};
    if (placement.kind == Placement::Kind::kForward) {
      *caller = *principal;
      return {std::nullopt, std::move(placement), authenticated};
    }
  }
  const Call call{request, match, *running, principal ? &*principal : nullptr, backend_, metrics_, options_};
  return {Serve(match.route, call), {}, authenticated};
}

Result<Principal> Api::AuthenticatePeer(const Request& request) {
  if (!options_.cluster_key || !options_.routing) {
    return Error{"unauthenticated", "this instance does not take forwarded requests"};
  }
  const trust::ForwardedRequest fields{request.forwarded_by,
                                       options_.routing->instance_id(),
                                       request.forwarded_caller,
                                       request.forwarded_role,
                                       request.forwarded_at,
                                       request.method,
                                       request.target,
                                       request.body};
  if (auto ok = trust::VerifyForwarded(*options_.cluster_key, fields, request.forwarded_signature, backend_.Now());
      !ok) {
    return ok.error();
  }
  const auto role = config::RoleFromName(request.forwarded_role);
  if (!role) return Error{"unauthenticated", "unknown caller role"};
  return Principal{request.forwarded_caller, *role};
}

Response Api::Reject(int status, std::string_view code, std::string_view message) {
  Response response = ErrorResponse(status, code, message);
  metrics_.HttpRequest(kUnmatchedRouteLabel, status, 0);
  if (status >= 400) LogError(kUnmatchedRouteLabel, "", status);
  if (options_.routing) response.headers.emplace_back(std::string(kInstanceHeader), options_.routing->instance_id());
  return response;
}

}  // namespace riskd::http
