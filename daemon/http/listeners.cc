#include "daemon/http/listeners.h"

#include <chrono>

#include "daemon/config/config.h"
#include "daemon/http/api.h"

namespace riskd::http {
namespace {

std::chrono::milliseconds Millis(scoring::DurationMicros micros) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::microseconds(micros));
}

}  // namespace

ServerOptions ApiServerOptions(const config::Config& config) {
  const auto& http = config.http;
  ServerOptions options;
  options.name = "api";
  options.listen = http.listen;
  options.threads = static_cast<int>(http.threads);
  options.max_header_bytes = static_cast<std::size_t>(http.max_header_bytes);
  options.max_body_bytes = static_cast<std::size_t>(http.max_body_bytes);
  options.read_timeout = Millis(http.read_timeout);
  options.idle_timeout = Millis(http.idle_timeout);
  options.max_connections = static_cast<int>(http.max_connections);
  options.max_connections_per_ip = static_cast<int>(http.max_connections_per_ip);
  options.tls_cert_file = http.tls.cert_file;
  options.tls_key_file = http.tls.key_file;
  return options;
}

ServerOptions OpsServerOptions(const config::Config& config) {
  // Same limits as the API (a scraper is a client like any other), but
  // plaintext (Prometheus and kubelet probes), one thread (three cheap
  // routes) and no keep-alive lease (below).
  ServerOptions options = ApiServerOptions(config);
  options.name = "metrics";
  options.listen = config.metrics.listen;
  options.threads = 1;
  // Nothing here is authenticated: a scraper keeps its kept-alive
  // connection by scraping more often than idle_timeout.
  options.keep_alive_needs_auth = false;
  options.tls_cert_file.clear();
  options.tls_key_file.clear();
  return options;
}

Result<std::vector<std::unique_ptr<Server>>> StartListeners(const config::Config& config, ApiBackend& backend,
                                                            metrics::Metrics& metrics, AccountRouting* routing,
                                                            const trust::ClusterKey* cluster_key) {
  std::vector<std::unique_ptr<Server>> servers;
  auto api = Server::Start(ApiServerOptions(config), std::make_shared<Api>(backend, metrics, ApiOptions{
                                                                                  .routing = routing,
                                                                                  .cluster_key = cluster_key}));
  if (!api.ok()) return api.error();
  servers.push_back(std::move(*api));
  auto ops = Server::Start(OpsServerOptions(config), std::make_shared<Api>(backend, metrics, ApiOptions{
                                                                                  .surface = Surface::kOps,
                                                                                  .routing = routing}));
  if (!ops.ok()) return ops.error();
  servers.push_back(std::move(*ops));
  return servers;
}

}  // namespace riskd::http
