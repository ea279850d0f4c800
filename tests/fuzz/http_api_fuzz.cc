// Fuzz target: raw request bytes -> the HTTP API's answer, without sockets.
// The bytes are parsed as the server's session does (Beast's
// request_parser with the server's default header and body limits); a
// request the parser refuses gets the server's refusal (400, 413, 431),
// a complete one goes through Api::Handle (routing, auth, handlers) over an
// in-memory backend with one known account. Tokens the corpus uses:
// "support-token", "analyst-token", "admin-token".
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "daemon/config/config.h"
#include "daemon/config/tokens.h"
#include "daemon/http/api.h"
#include "daemon/http/routing.h"
#include "daemon/http/server_options.h"
#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"
#include "scoring/engine.h"
#include "tests/daemon/http/memory_backend.h"

namespace {

using namespace riskd;
namespace bhttp = boost::beast::http;

// 2026-11-28T12:00:00Z, as in the API tests.
constexpr scoring::EpochMicros kNow = 1795867200LL * scoring::kSecond;

std::shared_ptr<const http::RunningConfig> MakeRunningConfig() {
  auto config = std::make_shared<config::Config>();
  config->auth.tokens = {
      {"support-console", config::Role::kSupport, config::Sha256Hex("support-token")},
      {"fraud-analyst", config::Role::kAnalyst, config::Sha256Hex("analyst-token")},
      {"ops-admin", config::Role::kAdmin, config::Sha256Hex("admin-token")},
  };
  auto running = std::make_shared<http::RunningConfig>();
  running->engine = std::make_shared<scoring::Engine>(std::make_shared<scoring::ScoringConfig>(config->scoring));
  running->version = config::ConfigVersion(*config);
  running->config = std::move(config);
  return running;
}

struct World {
  World() : metrics("fuzz"), running(MakeRunningConfig()) {
    log::SetLevel(log::Level::kError);  // refusals are logged at warn: not per input
  }
  metrics::Metrics metrics;
  std::shared_ptr<const http::RunningConfig> running;
};

World& TheWorld() {
  static auto* world = new World();
  return *world;
}

bool IsParseError(const boost::system::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::need_more;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& world = TheWorld();
  // A fresh backend per input: labels and audits must not pile up.
  http::testing::MemoryBackend backend(kNow, world.running, &world.metrics);
  backend.SetAuditLimit(16);
  scoring::Event reset;
  reset.id = "reset-1";
  reset.occurred_at = kNow - scoring::kHour;
  reset.kind = scoring::EventKind::kPasswordReset;
  reset.reset_stage = scoring::ResetStage::kCompleted;
  backend.ApplyEvent("acct-42", reset);
  http::Api api(backend, world.metrics);

  const http::ServerOptions limits;  // the server's defaults
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser.body_limit(limits.max_body_bytes);
  boost::system::error_code ec;
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!parser.is_done() && !rest.empty()) {
    const std::size_t n = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec == bhttp::error::need_more) {
      ec = {};
      if (n == 0) break;  // the rest is an incomplete element
    }
    if (ec) break;
    rest.remove_prefix(n);
  }
  if (!ec && !parser.is_done()) return 0;  // the client would still be sending

  http::Response response;
  if (ec == bhttp::error::header_limit) {
    response = api.Reject(431, "HEADER_TOO_LARGE", "request header too large");
  } else if (ec == bhttp::error::body_limit) {
    response = api.Reject(413, "PAYLOAD_TOO_LARGE", "request body too large");
  } else if (ec) {
    if (!IsParseError(ec)) return 0;  // the server closes without an answer
    response = api.Reject(400, "INVALID_ARGUMENT", "malformed HTTP request: " + ec.message());
  } else {
    auto& request = parser.get();
    http::Request r;
    r.method = std::string(request.method_string());
    r.target = std::string(request.target());
    auto [first, last] = request.equal_range(bhttp::field::authorization);
    for (auto it = first; it != last; ++it) r.authorization.emplace_back(it->value());
    const auto fwd = request.find(
        boost::beast::string_view(http::kForwardedByHeader.data(), http::kForwardedByHeader.size()));
    if (fwd != request.end()) r.forwarded_by = std::string(fwd->value());
    r.body = std::move(request.body());
    response = api.Handle(r);
  }
  // Every answer is a real HTTP status.
  if (response.status < 100 || response.status > 599) std::abort();
  return 0;
}
