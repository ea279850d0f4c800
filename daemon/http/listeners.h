// The daemon's two HTTP listeners from the config: the API on http.listen
// (every route, TLS when http.tls is set) and the ops listener on
// metrics.listen (/metrics, /healthz, /readyz only, plaintext, one thread).
// The only place that maps config::Config's http keys to ServerOptions.
//
// daemon/app's startup step:
//   auto servers = http::StartListeners(*settings.config, backend, metrics);
//   if (!servers.ok()) return servers.error();
//   http_servers_ = std::move(*servers);   // destroying them stops them
#pragma once

#include <memory>
#include <vector>

#include "daemon/http/backend.h"
#include "daemon/http/routing.h"
#include "daemon/http/server.h"
#include "daemon/http/server_options.h"
#include "daemon/trust/cluster_key.h"

namespace riskd::metrics {
class Metrics;
}

namespace riskd::http {

// ServerOptions of each listener.
ServerOptions ApiServerOptions(const config::Config& config);
ServerOptions OpsServerOptions(const config::Config& config);

// Starts both listeners (API first), each Server owning its Api. `backend`,
// `metrics`, `routing` (nullptr: one instance answers every account) and
// `cluster_key` (verifies forwarded requests; ApiOptions) must outlive
// them. Error code "listen" or "tls".
Result<std::vector<std::unique_ptr<Server>>> StartListeners(const config::Config& config, ApiBackend& backend,
                                                            metrics::Metrics& metrics,
                                                            AccountRouting* routing = nullptr,
                                                            const trust::ClusterKey* cluster_key = nullptr);

}  // namespace riskd::http
