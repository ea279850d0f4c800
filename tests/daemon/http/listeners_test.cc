// The daemon's two listeners, built from a config as daemon/app does.
#include "daemon/http/listeners.h"

#include <gtest/gtest.h>

#include "daemon/config/config.h"
#include "tests/daemon/http/api_fixture.h"
#include "tests/daemon/http/test_cert.h"

namespace riskd::http::testing {
namespace {

TEST(ListenersTest, MapsEveryHttpKeyToTheServerOptions) {
  config::Config config;
  config.http.listen = "127.0.0.1:1234";
  config.http.threads = 3;
  config.http.max_header_bytes = 1000;
  config.http.max_body_bytes = 2000;
  config.http.read_timeout = 3 * scoring::kSecond;
  config.http.idle_timeout = 4 * scoring::kSecond;
  config.http.max_connections = 5;
  config.http.max_connections_per_ip = 2;
  config.http.tls.cert_file = "c.pem";
  config.http.tls.key_file = "k.pem";
  config.metrics.listen = "127.0.0.1:5678";
  const ServerOptions api = ApiServerOptions(config);
  EXPECT_EQ(api.listen, "127.0.0.1:1234");
  EXPECT_EQ(api.threads, 3);
  EXPECT_EQ(api.max_header_bytes, 1000u);
  EXPECT_EQ(api.max_body_bytes, 2000u);
  EXPECT_EQ(api.read_timeout, std::chrono::seconds(3));
  EXPECT_EQ(api.idle_timeout, std::chrono::seconds(4));
  EXPECT_EQ(api.max_connections, 5);
  EXPECT_EQ(api.max_connections_per_ip, 2);
  EXPECT_TRUE(api.keep_alive_needs_auth);
  EXPECT_EQ(api.tls_cert_file, "c.pem");
  EXPECT_EQ(api.tls_key_file, "k.pem");
  const ServerOptions ops = OpsServerOptions(config);
  EXPECT_EQ(ops.listen, "127.0.0.1:5678");
  EXPECT_EQ(ops.threads, 1);
  EXPECT_TRUE(ops.tls_cert_file.empty());
  EXPECT_EQ(ops.max_body_bytes, 2000u);
  EXPECT_EQ(ops.max_connections_per_ip, 2);
  // Nothing on the metrics listener is authenticated: a scraper keeps its
  // connection by scraping within idle_timeout.
  EXPECT_FALSE(ops.keep_alive_needs_auth);
}

TEST(ListenersTest, ApiOverTlsAndOpsInPlaintextFromTheConfig) {
  auto cert = MakeTestCert();
  ASSERT_TRUE(cert);
  auto running = MakeRunningConfig();
  config::Config config = *running->config;
  config.http.listen = "127.0.0.1:0";
  config.metrics.listen = "127.0.0.1:0";
  config.http.tls.cert_file = cert->cert_file;
  config.http.tls.key_file = cert->key_file;
  metrics::Metrics metrics("test");
  MemoryBackend backend(TestNow(), running, &metrics);
  auto servers = StartListeners(config, backend, metrics);
  ASSERT_TRUE(servers.ok()) << servers.error().message;
  ASSERT_EQ(servers->size(), 2u);
  const auto api_port = (*servers)[0]->port();
  const auto ops_port = (*servers)[1]->port();
  TlsClientOptions tls{cert->cert_file};
  auto risk = Call(api_port, "GET", "/v1/accounts/a/risk", kSupportToken, "", tls);
  EXPECT_EQ(risk.status, 200) << risk.body;
  EXPECT_EQ(Call(api_port, "GET", "/healthz", "", "", tls).status, 200);
  EXPECT_EQ(Call(ops_port, "GET", "/metrics").status, 200);
  EXPECT_EQ(Call(ops_port, "GET", "/v1/accounts/a/risk", kSupportToken).status, 404);

  config.metrics.listen = (*servers)[1]->address();  // taken
  auto clash = StartListeners(config, backend, metrics);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, "listen");
}

}  // namespace
}  // namespace riskd::http::testing
