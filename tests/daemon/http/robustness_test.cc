// Nothing a client sends may take the API down: garbage, truncated
// requests, huge headers, 8 MiB bodies and a thousand idle connections,
// after which /healthz and a real evaluate still answer.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "daemon/codec/json.h"
#include "riskd/v1/risk.pb.h"
#include "tests/daemon/http/api_fixture.h"

namespace riskd::http::testing {
namespace {

using namespace std::chrono_literals;

class RobustnessTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    ServerOptions options;
    options.read_timeout = 1s;
    options.idle_timeout = 30s;
    options.max_connections = 1500;
    options.max_connections_per_ip = 1500;  // every client here is 127.0.0.1
    ASSERT_NO_FATAL_FAILURE(StartServer(options));
  }

  void ExpectStillServing() {
    auto health = Get("/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, R"({"status":"ok"})");
    auto evaluate = Post("/v1/accounts/a/evaluate", R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT"})",
                         kSupportToken);
    EXPECT_EQ(evaluate.status, 200) << evaluate.body;
  }
};

TEST_F(RobustnessTest, SurvivesGarbageBytes) {
  std::mt19937 random(42);
  for (int i = 0; i < 200; ++i) {
    auto c = Connection::Open(port());
    ASSERT_TRUE(c);
    std::string junk(1 + random() % 4096, '\0');
    for (auto& ch : junk) ch = static_cast<char>(random());
    if (i % 2) junk = "GET /" + junk;  // half start like a request line
    c->Send(junk + "\r\n\r\n");
    // Either a 400 and close, or (junk that is a valid prefix) a timeout.
    if (auto reply = c->Read(3s)) {
      EXPECT_GE(reply->status, 400) << i;
    }
  }
  ExpectStillServing();
}

TEST_F(RobustnessTest, SurvivesTruncatedRequests) {
  const std::string full = FormatRequest("POST", "/v1/accounts/a/evaluate", kSupportToken,
                                         R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT"})");
  for (std::size_t cut = 1; cut < full.size(); cut += 7) {
    auto c = Connection::Open(port());
    ASSERT_TRUE(c);
    c->Send(full.substr(0, cut));
    // Dropped by the client mid-request.
  }
  // And one left hanging: closed by the read timeout, not answered.
  auto hanging = Connection::Open(port());
  ASSERT_TRUE(hanging);
  hanging->Send(full.substr(0, full.size() - 5));
  EXPECT_FALSE(hanging->Read(300ms));
  EXPECT_TRUE(hanging->WaitClosed(5s));
  ExpectStillServing();
}

TEST_F(RobustnessTest, RefusesHugeHeaders) {
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  std::string huge = "GET /healthz HTTP/1.1\r\n";
  for (int i = 0; i < 1000; ++i) huge += "X-Filler-" + std::to_string(i) + ": " + std::string(1000, 'f') + "\r\n";
  c->Send(huge + "\r\n");
  auto reply = c->Read(5s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
  ExpectStillServing();
}

TEST_F(RobustnessTest, RefusesEightMebibyteBodies) {
  const std::string body = "{\"action\":\"" + std::string(8 * 1024 * 1024, 'A') + "\"}";
  // Announced with Content-Length: refused before the body is read.
  auto reply = Post("/v1/accounts/a/evaluate", body, kSupportToken);
  EXPECT_EQ(reply.status, 413);
  auto error = codec::FromJson<v1::ErrorResponse>(reply.body);
  ASSERT_TRUE(error.ok());
  EXPECT_EQ(error->error().code(), "PAYLOAD_TOO_LARGE");
  // Chunked, so the size is only known while reading.
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  std::string chunked = "POST /v1/accounts/a/evaluate HTTP/1.1\r\nTransfer-Encoding: chunked\r\nAuthorization: Bearer " +
                        std::string(kSupportToken) + "\r\n\r\n";
  c->Send(chunked);
  const std::string chunk = "100000\r\n" + std::string(0x100000, 'x') + "\r\n";
  for (int i = 0; i < 8 && c->Send(chunk); ++i) {
  }
  auto chunked_reply = c->Read(5s);
  ASSERT_TRUE(chunked_reply);
  EXPECT_EQ(chunked_reply->status, 413);
  ExpectStillServing();
}

TEST_F(RobustnessTest, ServesWhileAThousandConnectionsSitIdle) {
  // Both ends live in this process: ~2000 descriptors.
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur < 4096) {
    limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, 4096);
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  std::vector<std::unique_ptr<Connection>> idle;
  for (int i = 0; i < 1000; ++i) {
    auto c = Connection::Open(port());
    ASSERT_TRUE(c) << i;
    if (i % 3 == 0) c->Send("GET /heal");  // some half-way through a request line
    idle.push_back(std::move(c));
  }
  ExpectStillServing();
  // The half-written ones are dropped by the read timeout; the silent ones
  // stay until idle_timeout.
  std::this_thread::sleep_for(1500ms);
  EXPECT_LE(server_->open_connections(), 1000 - 333);
  ExpectStillServing();
}

}  // namespace
}  // namespace riskd::http::testing
