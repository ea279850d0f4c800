// Strangers holding the API listener's connection slots. Before the fix,
// with http.max_connections: 8, eight clients that sent `GET /healthz`
// now and then (keep-alive, no token) held every slot for good, and
// authenticated clients got 503 indefinitely. Now only an authenticated
// request renews a connection's keep-alive lease: one without is closed
// at http.idle_timeout whatever it sends. One address may also hold at
// most http.max_connections_per_ip connections; more are refused without
// taking a slot. A Prometheus scraper on the metrics listener keeps its
// kept-alive connection as before.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kToken = "slots-support-token";

// A raw kept-alive connection from `source` (any 127.x.y.z reaches
// loopback), -1 on failure.
int Connect(int port, const char* source = "127.0.0.1") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends `request` and reads one answer (up to `timeout`). "" when the
// connection is closed or nothing came.
std::string Exchange(int fd, const std::string& request, std::chrono::milliseconds timeout = 2000ms) {
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return "";
  std::string got;
  const auto until = SteadyClock::now() + timeout;
  while (SteadyClock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    char buf[8192];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return got;
    got.append(buf, static_cast<size_t>(n));
    const auto head = got.find("\r\n\r\n");
    const auto length = got.find("Content-Length: ");
    if (head != std::string::npos && length != std::string::npos && length < head &&
        got.size() >= head + 4 + std::stoul(got.substr(length + 16))) {
      return got;
    }
  }
  return got;
}

// True when the peer has closed `fd` (EOF or reset) within `timeout`.
bool Closed(int fd, std::chrono::milliseconds timeout) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buf[4096];
  const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

const std::string kHealthz = "GET /healthz HTTP/1.1\r\nHost: riskd\r\n\r\n";
const std::string kMetrics = "GET /metrics HTTP/1.1\r\nHost: riskd\r\n\r\n";

class ConnectionSlotsTest : public IntegrationTest {
 protected:
  RiskdConfig Config(const std::string& http_yaml) {
    RiskdConfig c;
    c.extra_yaml = TokensYaml({{"support", "support", kToken}});
    c.extra_http_yaml = http_yaml;
    return c;
  }
  static int Risk(int port) {
    return HttpRequest(port, "GET", "/v1/accounts/acct-1/risk", "", {{"Authorization", std::string("Bearer ") + kToken}})
        .status;
  }
};

TEST_F(ConnectionSlotsTest, HealthzPollersLoseTheirSlotsAtIdleTimeout) {
  auto riskd = NewRiskd("riskd", Config("  max_connections: 8\n  idle_timeout: 2s\n"));
  riskd->Start();
  const int port = riskd->http_port();
  ASSERT_TRUE(WaitReady(port, 60s)) << riskd->Stderr();
  std::this_thread::sleep_for(500ms);  // WaitReady's connection has gone

  // Eight strangers take every slot, and keep asking /healthz.
  std::vector<int> pollers;
  for (int i = 0; i < 8; ++i) {
    pollers.push_back(Connect(port));
    ASSERT_GE(pollers.back(), 0);
    ASSERT_EQ(Exchange(pollers.back(), kHealthz).substr(0, 12), "HTTP/1.1 200");
  }
  EXPECT_EQ(Risk(port), 503) << "every slot is taken";

  // Within idle_timeout (plus a poll interval and some slack) the slots
  // are free again for a client with a token, although the pollers never
  // stop polling.
  const auto start = SteadyClock::now();
  int open = 8;
  bool served = false;
  while (SteadyClock::now() - start < 8s && !(served && open == 0)) {
    open = 0;
    for (int& fd : pollers) {
      if (fd < 0) continue;
      const std::string answer = Exchange(fd, kHealthz, 500ms);
      if (answer.empty() || answer.find("Connection: close") != std::string::npos || Closed(fd, 0ms)) {
        ::close(fd);
        fd = -1;
      } else {
        ++open;
      }
    }
    served = served || Risk(port) == 200;
    std::this_thread::sleep_for(300ms);
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  for (int fd : pollers) {
    if (fd >= 0) ::close(fd);
  }
  EXPECT_EQ(open, 0) << "pollers still connected after " << seconds << " s";
  EXPECT_TRUE(served) << "no slot for an authenticated client after " << seconds << " s";
  EXPECT_LT(seconds, 6.0);
}

TEST_F(ConnectionSlotsTest, AnAuthenticatedKeptAliveClientKeepsItsConnection) {
  auto riskd = NewRiskd("riskd", Config("  idle_timeout: 1s\n"));
  riskd->Start();
  const int port = riskd->http_port();
  ASSERT_TRUE(WaitReady(port, 60s)) << riskd->Stderr();
  const int fd = Connect(port);
  ASSERT_GE(fd, 0);
  const std::string request =
      std::string("GET /v1/accounts/acct-1/risk HTTP/1.1\r\nHost: riskd\r\nAuthorization: Bearer ") + kToken +
      "\r\n\r\n";
  for (auto start = SteadyClock::now(); SteadyClock::now() - start < 3s;) {
    const std::string answer = Exchange(fd, request);
    ASSERT_EQ(answer.substr(0, 12), "HTTP/1.1 200") << answer.substr(0, 200);
    ASSERT_EQ(answer.find("Connection: close"), std::string::npos);
    std::this_thread::sleep_for(300ms);
  }
  ::close(fd);
}

TEST_F(ConnectionSlotsTest, OneAddressCannotTakeEverySlot) {
  auto riskd = NewRiskd("riskd", Config("  max_connections: 8\n  max_connections_per_ip: 4\n"));
  riskd->Start();
  const int port = riskd->http_port();
  ASSERT_TRUE(WaitReady(port, 60s)) << riskd->Stderr();

  std::vector<int> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(Connect(port, "127.0.0.9"));
    ASSERT_GE(held.back(), 0);
    ASSERT_EQ(Exchange(held.back(), kHealthz).substr(0, 12), "HTTP/1.1 200");
  }
  // A fifth from the same address is refused at once...
  const int fifth = Connect(port, "127.0.0.9");
  ASSERT_GE(fifth, 0);
  const auto asked = SteadyClock::now();
  const std::string refusal = Exchange(fifth, kHealthz, 2000ms);
  EXPECT_EQ(refusal.substr(0, 12), "HTTP/1.1 503") << refusal;
  EXPECT_NE(refusal.find("Retry-After: 1"), std::string::npos) << refusal;
  EXPECT_TRUE(Closed(fifth, 2000ms));
  EXPECT_LT(SteadyClock::now() - asked, 1500ms);
  ::close(fifth);
  // ...and others still have slots.
  EXPECT_EQ(Risk(port), 200);
  for (int fd : held) ::close(fd);
}

TEST_F(ConnectionSlotsTest, AScraperKeepsItsConnectionOnTheMetricsListener) {
  // Nothing on the metrics listener is authenticated; a scraper coming
  // back within idle_timeout keeps its connection, as before.
  auto riskd = NewRiskd("riskd", Config("  idle_timeout: 1s\n"));
  riskd->Start();
  ASSERT_TRUE(WaitReady(riskd->http_port(), 60s)) << riskd->Stderr();
  const int fd = Connect(riskd->metrics_port());
  ASSERT_GE(fd, 0);
  for (auto start = SteadyClock::now(); SteadyClock::now() - start < 3s;) {
    const std::string answer = Exchange(fd, kMetrics);
    ASSERT_EQ(answer.substr(0, 12), "HTTP/1.1 200");
    ASSERT_EQ(answer.find("Connection: close"), std::string::npos);
    std::this_thread::sleep_for(400ms);
  }
  ::close(fd);
}

}  // namespace
}  // namespace riskd::it
