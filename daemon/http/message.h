// The HTTP exchange as the API layer sees it: plain structs, no Beast. The
// server (server.cc, session.cc) parses bytes into a Request and writes a
// Response back; everything above it (router, auth, handlers) codes against
// these types only, so that few translation units include Beast.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace riskd::http {

struct Request {
  std::string method;  // as sent: "GET", "POST", …
  std::string target;  // origin-form: "/v1/accounts/a%2Fb/risk?asOf=…"
  // Every Authorization header field, in order. More than one is refused by
  // auth (which one would a proxy have looked at?).
  std::vector<std::string> authorization;
  std::string body;
  bool tls = false;  // arrived over the TLS listener
  // The Riskd-Forwarded-By header (routing.h): the instance that forwarded
  // this request here; empty for a request from a client.
  std::string forwarded_by;
  // The rest of a forwarded request's signed identity
  // (daemon/trust/request_signer.h): Riskd-Caller, Riskd-Caller-Role,
  // Riskd-Forwarded-At, Riskd-Signature. Any of them set makes the request
  // a peer's: it is authenticated by its signature, never by a token.
  std::string forwarded_caller;
  std::string forwarded_role;
  std::string forwarded_at;
  std::string forwarded_signature;
  bool from_peer() const {
    return !forwarded_by.empty() || !forwarded_caller.empty() || !forwarded_role.empty() || !forwarded_at.empty() ||
           !forwarded_signature.empty();
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  // Extra header fields (Allow, Retry-After, WWW-Authenticate, …).
  std::vector<std::pair<std::string, std::string>> headers;
  // Not sent: the request carried a valid credential, which renews the
  // connection's keep-alive lease (ServerOptions::keep_alive_needs_auth).
  bool authenticated = false;
};

// What the server calls. Implementations must be thread-safe: every server
// thread calls them concurrently. They must not throw; should one anyway,
// the server answers 500 through Reject().
class Handler {
 public:
  virtual ~Handler() = default;

  // A complete, well-formed request within the limits.
  virtual Response Handle(const Request& request) = 0;

  // The same, answered through `respond` (exactly once, from any thread,
  // possibly later): what the server calls, so that a request waiting on
  // another instance holds no server thread. The default answers Handle().
  virtual void HandleAsync(Request request, std::function<void(Response)> respond) {
    respond(Handle(request));
  }

  // The server refuses a request before it is complete or well formed
  // (status 400, 413, 431, 500 or 503; `code` the JSON error code). Renders
  // the error body and counts it; the connection is closed afterwards.
  virtual Response Reject(int status, std::string_view code, std::string_view message) = 0;
};

}  // namespace riskd::http
