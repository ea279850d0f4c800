// The forwarding client against a real http::Server on loopback: what the
// peer receives (method, target, body, the identity headers, never the
// client's Authorization), TLS to an https peer verified against a CA, what
// comes back (status, body, the peer's Riskd-Instance and Retry-After),
// connection reuse, and every way of not getting an answer (refused,
// too slow, shutting down) ending as "unavailable", never as a hang.
#include "daemon/cluster/forwarder.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "daemon/http/routing.h"
#include "daemon/http/server.h"
#include "tests/daemon/http/test_cert.h"

namespace riskd::cluster {
namespace {

using namespace std::chrono_literals;

class Peer final : public http::Handler {
 public:
  http::Response Handle(const http::Request& request) override {
    {
      std::lock_guard lock(mu_);
      seen.push_back(request);
    }
    if (request.target.starts_with("/slow")) {
      std::unique_lock lock(mu_);
      release_.wait_for(lock, 10s, [this] { return released_; });
    }
    http::Response r;
    r.status = request.target.starts_with("/busy") ? 503 : 200;
    r.body = "{\"echo\":\"" + request.target + "\"}";
    r.headers.emplace_back(std::string(http::kInstanceHeader), "peer-1");
    if (r.status == 503) r.headers.emplace_back("Retry-After", "1");
    r.headers.emplace_back("X-Internal", "not passed on");
    return r;
  }
  http::Response Reject(int status, std::string_view, std::string_view) override {
    http::Response r;
    r.status = status;
    return r;
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    release_.notify_all();
  }

  std::mutex mu_;
  std::vector<http::Request> seen;

 private:
  std::condition_variable release_;
  bool released_ = false;
};

class ForwarderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    auto server = http::Server::Start(options, peer_);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
    url_ = config::HttpUrl{"127.0.0.1", server_->port()};
  }
  void TearDown() override {
    peer_.Release();
    forwarder_.Stop();
    server_.reset();
  }

  static Result<http::Response> SendWith(Forwarder& forwarder, const http::Request& request,
                                         const config::HttpUrl& to) {
    std::promise<Result<http::Response>> answer;
    auto future = answer.get_future();
    forwarder.Forward(to, request, Identity(), /*repeatable=*/true,
                      [&answer](Result<http::Response> r) { answer.set_value(std::move(r)); });
    return future.get();
  }
  Result<http::Response> Send(const http::Request& request, const config::HttpUrl& to) {
    return SendWith(forwarder_, request, to);
  }
  static HeaderFields Identity() { return {{"Riskd-Forwarded-By", "self-0"}, {"Riskd-Caller", "alice"}}; }

  static http::Request Get(std::string target) {
    http::Request r;
    r.method = "GET";
    r.target = std::move(target);
    r.authorization = {"Bearer token-1"};
    return r;
  }

  Peer peer_;
  std::unique_ptr<http::Server> server_;
  config::HttpUrl url_;
  Forwarder forwarder_{ForwarderOptions{.timeout = 1500ms}};
};

TEST_F(ForwarderTest, CarriesTheRequestAndBringsBackTheAnswer) {
  http::Request post = Get("/v1/accounts/a%2Fb/evaluate");
  post.method = "POST";
  post.body = R"({"action":"OTHER","channel":"LIVE_CHAT"})";
  auto r = Send(post, url_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"echo":"/v1/accounts/a%2Fb/evaluate"})");
  bool instance = false, internal = false;
  for (const auto& [name, value] : r->headers) {
    instance = instance || (name == http::kInstanceHeader && value == "peer-1");
    internal = internal || name == "X-Internal";
  }
  EXPECT_TRUE(instance);
  EXPECT_FALSE(internal);
  std::lock_guard lock(peer_.mu_);
  ASSERT_EQ(peer_.seen.size(), 1u);
  const http::Request& seen = peer_.seen[0];
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/v1/accounts/a%2Fb/evaluate");
  // The client's token stays here; the identity headers go instead.
  EXPECT_TRUE(seen.authorization.empty());
  EXPECT_EQ(seen.body, post.body);
  EXPECT_EQ(seen.forwarded_by, "self-0");
  EXPECT_EQ(seen.forwarded_caller, "alice");
  EXPECT_FALSE(seen.tls);
}

TEST_F(ForwarderTest, AnHttpsPeerIsReachedOverVerifiedTls) {
  auto cert = http::testing::MakeTestCert();
  ASSERT_TRUE(cert) << "openssl CLI";
  http::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls_cert_file = cert->cert_file;
  options.tls_key_file = cert->key_file;
  auto tls_server = http::Server::Start(options, peer_);
  ASSERT_TRUE(tls_server.ok()) << tls_server.error().message;
  const config::HttpUrl https{"127.0.0.1", (*tls_server)->port(), /*tls=*/true};

  Forwarder trusting(ForwarderOptions{.timeout = 1500ms, .peer_ca_file = cert->cert_file, .require_tls = true});
  ASSERT_TRUE(trusting.tls_status().ok());
  auto r = SendWith(trusting, Get("/over-tls"), https);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  {
    std::lock_guard lock(peer_.mu_);
    ASSERT_EQ(peer_.seen.size(), 1u);
    EXPECT_TRUE(peer_.seen[0].tls);
    EXPECT_TRUE(peer_.seen[0].authorization.empty());
  }
  // A second request reuses the TLS connection.
  ASSERT_TRUE(SendWith(trusting, Get("/again"), https).ok());
  EXPECT_EQ((*tls_server)->open_connections(), 1);

  // A certificate the configured CA did not sign: no answer, no request.
  Forwarder system_ca(ForwarderOptions{.timeout = 1500ms});
  auto refused = SendWith(system_ca, Get("/unverified"), https);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("TLS handshake failed"), std::string::npos) << refused.error().message;

  // A name the certificate does not carry fails verification too.
  const config::HttpUrl wrong_name{"localhost", (*tls_server)->port(), /*tls=*/true};
  auto mismatch = SendWith(trusting, Get("/wrong-name"), wrong_name);
  ASSERT_FALSE(mismatch.ok());
  {
    std::lock_guard lock(peer_.mu_);
    EXPECT_EQ(peer_.seen.size(), 2u);
  }
  trusting.Stop();
  system_ca.Stop();
}

TEST_F(ForwarderTest, WithTlsRequiredAPlainPeerIsRefused) {
  Forwarder strict(ForwarderOptions{.timeout = 1500ms, .require_tls = true});
  auto r = SendWith(strict, Get("/x"), url_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unavailable");
  EXPECT_NE(r.error().message.find("in clear"), std::string::npos) << r.error().message;
  std::lock_guard lock(peer_.mu_);
  EXPECT_TRUE(peer_.seen.empty());
}

TEST(ForwarderTlsTest, AnUnreadableCaFileIsReported) {
  Forwarder f(ForwarderOptions{.peer_ca_file = "/nonexistent/ca.pem"});
  EXPECT_FALSE(f.tls_status().ok());
}

TEST_F(ForwarderTest, ThePeersErrorsComeBackAsTheyAre) {
  auto r = Send(Get("/busy"), url_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 503);
  bool retry_after = false;
  for (const auto& [name, value] : r->headers) retry_after = retry_after || name == "Retry-After";
  EXPECT_TRUE(retry_after);
}

TEST_F(ForwarderTest, KeepsTheConnectionAliveBetweenRequests) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Send(Get("/x" + std::to_string(i)), url_).ok());
  EXPECT_EQ(server_->open_connections(), 1);
}

TEST_F(ForwarderTest, AReusedConnectionThePeerClosedIsReplaced) {
  ASSERT_TRUE(Send(Get("/first"), url_).ok());
  // The peer restarts on the same port: the pooled connection is dead.
  const uint16_t port = server_->port();
  server_.reset();
  http::ServerOptions options;
  options.listen = "127.0.0.1:" + std::to_string(port);
  auto server = http::Server::Start(options, peer_);
  ASSERT_TRUE(server.ok()) << server.error().message;
  server_ = std::move(*server);
  auto r = Send(Get("/second"), url_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
}

TEST_F(ForwarderTest, NobodyListeningIsUnavailable) {
  const uint16_t port = server_->port();
  server_.reset();
  auto r = Send(Get("/x"), config::HttpUrl{"127.0.0.1", port});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unavailable");
  EXPECT_NE(r.error().message.find("cannot connect"), std::string::npos) << r.error().message;
}

TEST_F(ForwarderTest, APeerThatDoesNotAnswerInTimeIsUnavailable) {
  auto r = Send(Get("/slow"), url_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "unavailable");
  EXPECT_NE(r.error().message.find("no answer within 1500 ms"), std::string::npos) << r.error().message;
}

TEST_F(ForwarderTest, StopAnswersWhatIsInFlightAndRefusesTheRest) {
  std::promise<Result<http::Response>> answer;
  auto future = answer.get_future();
  forwarder_.Forward(url_, Get("/slow"), Identity(), true, [&answer](Result<http::Response> r) { answer.set_value(std::move(r)); });
  // Wait until the peer has the request, so it is truly in flight.
  for (int i = 0; i < 500; ++i) {
    {
      std::lock_guard lock(peer_.mu_);
      if (!peer_.seen.empty()) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  forwarder_.Stop();
  auto r = future.get();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("shutting down"), std::string::npos) << r.error().message;
  auto later = Send(Get("/x"), url_);
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.error().code, "unavailable");
}

}  // namespace
}  // namespace riskd::cluster
