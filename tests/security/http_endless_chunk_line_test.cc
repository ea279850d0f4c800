// A stranger streams a chunked request whose chunk-size line never ends
// ("1;" and then hundreds of MiB without a line break). Beast's header
// and body limits count neither: before the fix the daemon buffered it
// all (RSS 26 MB -> 538 MB in 3 s). Now the read buffer is bounded by
// http.max_header_bytes + http.max_body_bytes, the client gets a 413 and
// the connection closes, and the daemon's memory barely moves.
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr int64_t kMiB = 1 << 20;

// The pid of the riskd running with `config` (the harness keeps its own).
int PidOf(const std::filesystem::path& config) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(config.string()) != std::string::npos && cmdline.find("--config") != std::string::npos) {
      return std::stoi(name);
    }
  }
  return -1;
}

// Resident memory of `pid` in bytes (VmRSS), -1 when unreadable.
int64_t Rss(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return -1;
}

int ConnectNonBlocking(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

class EndlessChunkLineTest : public IntegrationTest {};

TEST_F(EndlessChunkLineTest, IsRefusedWithA413AndTheDaemonsMemoryStaysBounded) {
  auto riskd = NewRiskd("riskd");
  riskd->Start();
  ASSERT_TRUE(WaitReady(riskd->http_port(), 60s)) << riskd->Stderr();
  const int pid = PidOf(riskd->config_path());
  ASSERT_GT(pid, 0);
  const int64_t baseline = Rss(pid);
  ASSERT_GT(baseline, 0);

  // What the attacker may send at most, and for how long; far beyond the
  // bound (16 KiB + 1 MiB by default). The stream also stops once the
  // daemon has grown past kAbortGrowth, so the old code fails this test
  // without taking the machine down.
  constexpr int64_t kMaxSend = 512 * kMiB;
  constexpr auto kMaxTime = 20s;
  constexpr int64_t kBound = 64 * kMiB;
  constexpr int64_t kAbortGrowth = 256 * kMiB;

  const int fd = ConnectNonBlocking(riskd->http_port());
  ASSERT_GE(fd, 0);
  // No token: the read limits apply before anyone is authenticated.
  std::string pending =
      "POST /v1/accounts/a/evaluate HTTP/1.1\r\nHost: riskd\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n1;";
  const std::string filler(64 * 1024, 'a');
  int64_t sent = 0;
  int64_t peak = baseline;
  std::string response;
  bool closed = false;
  const auto start = SteadyClock::now();
  auto next_sample = start;
  // Streams until the daemon answers or closes (or a limit is hit).
  while (!closed && response.empty() && sent < kMaxSend && SteadyClock::now() - start < kMaxTime &&
         peak - baseline < kAbortGrowth) {
    pollfd p{fd, POLLIN | POLLOUT, 0};
    ::poll(&p, 1, 20);
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      char buf[4096];
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) {
        response.append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        closed = true;
      }
    }
    if (!closed && (p.revents & POLLOUT)) {
      if (pending.empty()) pending = filler;
      const ssize_t n = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL);
      if (n > 0) {
        sent += n;
        pending.erase(0, static_cast<size_t>(n));
      } else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
        closed = true;  // EPIPE / ECONNRESET: the daemon closed it
      }
    }
    if (SteadyClock::now() >= next_sample) {
      peak = std::max(peak, Rss(pid));
      next_sample = SteadyClock::now() + 20ms;
    }
  }
  const int64_t sent_before_answer = sent;
  // The rest of the answer, and the close (after the daemon's one-second
  // lingering close).
  for (auto until = SteadyClock::now() + 5s; !closed && SteadyClock::now() < until;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      response.append(buf, static_cast<size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      closed = true;
    }
  }
  ::close(fd);
  peak = std::max(peak, Rss(pid));
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  std::printf("streamed %.1f MiB in %.1f s; daemon RSS %.1f MiB -> peak %.1f MiB\n", sent / double(kMiB), seconds,
              baseline / double(kMiB), peak / double(kMiB));

  EXPECT_LT(peak - baseline, kBound) << "the daemon buffered the stream";
  EXPECT_TRUE(closed) << "the daemon kept reading an endless chunk-size line";
  // Refused after about the bound plus what the socket buffers held.
  EXPECT_LT(sent_before_answer, 64 * kMiB);
  EXPECT_EQ(response.substr(0, 12), "HTTP/1.1 413") << response.substr(0, 300);
  EXPECT_NE(response.find("PAYLOAD_TOO_LARGE"), std::string::npos) << response.substr(0, 300);
  // And it is serving as before.
  EXPECT_EQ(HttpRequest(riskd->http_port(), "GET", "/healthz").status, 200);
  EXPECT_TRUE(riskd->Running());
}

}  // namespace
}  // namespace riskd::it
