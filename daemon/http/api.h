// The HTTP API of SPEC section 5 as a Handler for Server: routing, bearer
// auth and roles, the handlers, metrics per request. Beast-free.
//
// Construction (daemon/app):
//   http::Api api(backend, metrics);                       // http.listen
//   http::Api ops(backend, metrics, {.surface = Surface::kOps});  // metrics.listen
//   auto server = http::Server::Start(options, api);
// Thread-safe: Server calls Handle from all its threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>

#include "daemon/http/backend.h"
#include "daemon/log/rate_limit.h"
#include "daemon/http/message.h"
#include "daemon/http/router.h"
#include "daemon/http/routing.h"
#include "daemon/trust/cluster_key.h"

namespace riskd::metrics {
class Metrics;
}

namespace riskd::http {

struct ApiOptions {
  // kApi serves every route; kOps only /metrics, /healthz and /readyz.
  Surface surface = Surface::kApi;
  // Longest feedback note kept (bytes). Notes go to the audit trail and a
  // log line; a longer one is refused with 400 rather than cut.
  std::size_t max_note_bytes = 2000;
  // Scale-out (routing.h): account requests whose partition another
  // instance serves are forwarded there. nullptr: every account is
  // answered here. Must outlive the Api.
  AccountRouting* routing = nullptr;
  // The cluster secret: a request forwarded by a peer is authenticated by
  // its signed Riskd-* headers under it (daemon/trust/request_signer.h),
  // checked against routing's instance id. Null (or no routing): requests
  // carrying those headers are refused with 401. Must outlive the Api.
  const trust::ClusterKey* cluster_key = nullptr;
};

class Api final : public Handler {
 public:
  // `backend` and `metrics` must outlive the Api.
  Api(ApiBackend& backend, metrics::Metrics& metrics, ApiOptions options = {});

  // Blocks until answered (tests, tools); the server uses HandleAsync.
  Response Handle(const Request& request) override;
  void HandleAsync(Request request, std::function<void(Response)> respond) override;
  Response Reject(int status, std::string_view code, std::string_view message) override;

 private:
  // Either the answer, or the placement to forward the request to.
  struct Outcome {
    std::optional<Response> response;
    Placement forward;
    // A valid credential came with the request (Response::authenticated).
    bool authenticated = false;
  };
  // The caller a peer vouches for in a forwarded request, or the 401.
  Result<Principal> AuthenticatePeer(const Request& request);
  // `caller`: who was authenticated (for a forward: whom the owner is told about).
  Outcome Dispatch(const Request& request, std::string_view* route_label, Principal* caller);
  // Counts the request and stamps which instance answered.
  void Finish(std::string_view route_label, std::string_view method,
              std::chrono::steady_clock::time_point start, Response& response);

  // Error answers (4xx: bad input; 5xx: not ready or a failure) are
  // logged rate-limited per route and status, at most 10 lines a minute
  // each, then a count, so a misbehaving client cannot flood the log.
  // Never the token, the body or the target.
  void LogError(std::string_view route, std::string_view method, int status);

  ApiBackend& backend_;
  metrics::Metrics& metrics_;
  ApiOptions options_;
  log::RateLimitedLogger errors_log_{"http"};
};

}  // namespace riskd::http
