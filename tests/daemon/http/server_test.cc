// The Beast server on its own, with a handler that echoes what it got:
// keep-alive, pipelining, limits, timeouts, connection caps, the keep-alive
// lease, TLS.
#include "daemon/http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/daemon/http/test_cert.h"
#include "tests/daemon/http/test_client.h"

namespace riskd::http {
namespace {

using namespace std::chrono_literals;
using testing::Call;
using testing::Connection;
using testing::FormatRequest;

class EchoHandler : public Handler {
 public:
  Response Handle(const Request& request) override {
    ++handled;
    if (request.target == "/throw") throw std::runtime_error("boom");
    Response r;
    r.content_type = "text/plain";
    r.body = request.method + " " + request.target + " body=" + std::to_string(request.body.size()) +
             " auth=" + std::to_string(request.authorization.size()) + (request.tls ? " tls" : "");
    r.headers.emplace_back("X-Test", "1");
    // Stands in for the Api's token check: any Authorization header counts.
    r.authenticated = !request.authorization.empty();
    return r;
  }
  Response Reject(int status, std::string_view code, std::string_view message) override {
    ++rejected;
    Response r;
    r.status = status;
    r.body = "{\"error\":{\"code\":\"" + std::string(code) + "\"}}";
    return r;
  }
  std::atomic<int> handled{0};
  std::atomic<int> rejected{0};
};

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    options.threads = 2;
    auto server = Server::Start(options, handler_);
    ASSERT_TRUE(server.ok()) << server.error().message;
    server_ = std::move(*server);
  }
  std::uint16_t port() const { return server_->port(); }

  EchoHandler handler_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, ServesSeveralRequestsOnOneKeptAliveConnection) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c->Send(FormatRequest("GET", "/x?i=" + std::to_string(i), "tok")));
    auto reply = c->Read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->status, 200);
    EXPECT_EQ(reply->body, "GET /x?i=" + std::to_string(i) + " body=0 auth=1");
    EXPECT_EQ(reply->header("x-test"), "1");
    EXPECT_EQ(reply->header("content-type"), "text/plain");
  }
  EXPECT_EQ(handler_.handled, 3);
}

TEST_F(ServerTest, AnswersPipelinedRequestsInOrder) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send(FormatRequest("POST", "/a", "", "{}") + FormatRequest("GET", "/b") +
                      FormatRequest("GET", "/c", "", "", /*keep_alive=*/false)));
  for (const char* expected : {"POST /a body=2 auth=0", "GET /b body=0 auth=0", "GET /c body=0 auth=0"}) {
    auto reply = c->Read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->body, expected);
  }
  EXPECT_TRUE(c->WaitClosed(2s));
}

TEST_F(ServerTest, PassesEveryAuthorizationHeader) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send("GET /x HTTP/1.1\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n"));
  auto reply = c->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "GET /x body=0 auth=2");
}

TEST_F(ServerTest, AnnouncedBodyOverTheLimitIs413AndCloses) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send("POST /x HTTP/1.1\r\nContent-Length: 1001\r\n\r\n"));
  auto reply = c->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
  EXPECT_EQ(reply->body, R"({"error":{"code":"PAYLOAD_TOO_LARGE"}})");
  EXPECT_EQ(reply->header("connection"), "close");
  EXPECT_TRUE(c->WaitClosed(3s));
  EXPECT_EQ(handler_.handled, 0);
}

TEST_F(ServerTest, ChunkedBodyOverTheLimitIs413) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  std::string chunk(800, 'a');
  ASSERT_TRUE(c->Send("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk + "\r\n320\r\n" +
                      chunk + "\r\n0\r\n\r\n"));
  auto reply = c->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 413);
}

TEST_F(ServerTest, BodyAtTheLimitIsServed) {
  ServerOptions options;
  options.max_body_bytes = 1000;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto reply = Call(port(), "POST", "/x", "", std::string(1000, 'b'));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "POST /x body=1000 auth=0");
}

TEST_F(ServerTest, HeaderOverTheLimitIs431) {
  ServerOptions options;
  options.max_header_bytes = 2048;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send("GET /x HTTP/1.1\r\nX-Big: " + std::string(4096, 'h') + "\r\n\r\n"));
  auto reply = c->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 431);
  EXPECT_TRUE(c->WaitClosed(3s));
}

TEST_F(ServerTest, GarbageIs400AndCloses) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send("\x16\x03\x01 this is not http\r\n\r\n"));
  auto reply = c->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 400);
  EXPECT_EQ(reply->body, R"({"error":{"code":"INVALID_ARGUMENT"}})");
  EXPECT_TRUE(c->WaitClosed(3s));
}

TEST_F(ServerTest, HandlerExceptionIs500) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto reply = Call(port(), "GET", "/throw");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.body, R"({"error":{"code":"INTERNAL"}})");
}

TEST_F(ServerTest, HeadGetsHeaderFieldsWithoutBody) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send(FormatRequest("HEAD", "/x") + FormatRequest("GET", "/y")));
  // The HEAD reply announces the GET body's length but carries none, so the
  // next bytes on the wire are the second reply's status line.
  auto head = c->Read();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), std::to_string(std::string("HEAD /x body=0 auth=0").size()));
  EXPECT_EQ(head->body.substr(0, 8), "HTTP/1.1");
}

TEST_F(ServerTest, AnswersExpectContinueBeforeTheBody) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send("POST /x HTTP/1.1\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c->Read(2s);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c->Send("abc"));
  auto reply = c->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "POST /x body=3 auth=0");
}

TEST_F(ServerTest, ClosesIdleConnectionsAfterIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = 300ms;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send(FormatRequest("GET", "/x")));
  ASSERT_TRUE(c->Read());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c->WaitClosed(5s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
}

TEST_F(ServerTest, DropsAClientTricklingItsRequestPastReadTimeout) {
  ServerOptions options;
  options.read_timeout = 400ms;
  options.idle_timeout = 10s;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  // A byte every 100 ms keeps the connection busy but never completes the
  // header: the read timeout covers the whole request, not each byte.
  const std::string request = "GET /slow HTTP/1.1\r\nX-Slow: ";
  const auto start = std::chrono::steady_clock::now();
  bool closed = false;
  for (char ch : request + std::string(30, 'x')) {
    if (!c->Send(std::string(1, ch))) {
      closed = true;
      break;
    }
    if (c->WaitClosed(100ms)) {
      closed = true;
      break;
    }
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
  EXPECT_EQ(handler_.handled, 0);
}

TEST_F(ServerTest, RefusesConnectionsBeyondTheCapWith503) {
  ServerOptions options;
  options.max_connections = 3;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(Connection::Open(port()));
    ASSERT_TRUE(held.back());
    ASSERT_TRUE(held.back()->Send(FormatRequest("GET", "/held")));
    ASSERT_TRUE(held.back()->Read());
  }
  auto extra = Connection::Open(port());
  ASSERT_TRUE(extra);
  auto reply = extra->Read(3s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503);
  EXPECT_EQ(reply->header("retry-after"), "1");
  EXPECT_TRUE(extra->WaitClosed(3s));
  // Freeing a slot lets the next client in.
  held.pop_back();
  for (int attempt = 0; attempt < 50 && server_->open_connections() >= 3; ++attempt) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(Call(port(), "GET", "/again").status, 200);
}

// A connection from `source` (any 127.x.y.z reaches loopback) that sends
// one request and returns the first bytes of the answer ("" when closed
// without one).
std::string RequestFrom(const char* source, std::uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  timeval timeout{3, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string got;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) == 0 &&
      ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
    char buf[256];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) got.assign(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return got;
}

TEST_F(ServerTest, CapsConnectionsPerClientAddressWithoutTakingASlot) {
  ServerOptions options;
  options.max_connections = 10;
  options.max_connections_per_ip = 2;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  std::vector<std::unique_ptr<Connection>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(Connection::Open(port()));
    ASSERT_TRUE(held.back());
    ASSERT_TRUE(held.back()->Send(FormatRequest("GET", "/held")));
    ASSERT_TRUE(held.back()->Read());
  }
  // A third from the same address is refused at once, and is not counted.
  auto extra = Connection::Open(port());
  ASSERT_TRUE(extra);
  auto reply = extra->Read(3s);
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 503);
  EXPECT_EQ(reply->header("retry-after"), "1");
  EXPECT_TRUE(extra->WaitClosed(3s));
  EXPECT_EQ(server_->open_connections(), 2);
  // Another address is served.
  EXPECT_EQ(RequestFrom("127.0.0.2", port(), FormatRequest("GET", "/other", "", "", false)).substr(0, 12),
            "HTTP/1.1 200");
  // And the first address gets its slot back when one of its connections
  // closes.
  held.pop_back();
  for (int attempt = 0; attempt < 50 && server_->open_connections() >= 2; ++attempt) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(Call(port(), "GET", "/again").status, 200);
}

TEST_F(ServerTest, UnauthenticatedRequestsDoNotKeepAConnectionPastIdleTimeout) {
  ServerOptions options;
  options.idle_timeout = 600ms;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  const auto start = std::chrono::steady_clock::now();
  // A /healthz poller that never authenticates: answered, but the answer
  // that finds the lease expired says Connection: close, and that is it.
  bool closed = false;
  while (std::chrono::steady_clock::now() - start < 3s) {
    if (!c->Send(FormatRequest("GET", "/healthz"))) {
      closed = true;
      break;
    }
    auto reply = c->Read(2s);
    if (!reply) {
      closed = true;
      break;
    }
    if (reply->header("connection") == "close") {
      EXPECT_TRUE(c->WaitClosed(2s));
      closed = true;
      break;
    }
    std::this_thread::sleep_for(100ms);
  }
  const auto lived = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(closed);
  EXPECT_GE(lived, 550ms);
  EXPECT_LT(lived, 1500ms);
}

TEST_F(ServerTest, AuthenticatedRequestsRenewTheLease) {
  ServerOptions options;
  options.idle_timeout = 500ms;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < 1500ms) {
    ASSERT_TRUE(c->Send(FormatRequest("GET", "/v1/x", "token")));
    auto reply = c->Read(2s);
    ASSERT_TRUE(reply);
    ASSERT_NE(reply->header("connection"), "close");
    std::this_thread::sleep_for(100ms);
  }
  // From the last authenticated request on, open ones only use up the
  // lease left.
  const auto last_auth = std::chrono::steady_clock::now();
  bool closed = false;
  while (!closed && std::chrono::steady_clock::now() - last_auth < 3s) {
    auto reply = c->Send(FormatRequest("GET", "/healthz")) ? c->Read(2s) : std::nullopt;
    closed = !reply || reply->header("connection") == "close";
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(std::chrono::steady_clock::now() - last_auth, 1500ms);
}

TEST_F(ServerTest, WithoutTheLeaseOpenRequestsKeepTheConnection) {
  // The metrics listener: nothing there is authenticated; a scraper keeps
  // its connection by coming back within idle_timeout.
  ServerOptions options;
  options.idle_timeout = 400ms;
  options.keep_alive_needs_auth = false;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < 1500ms) {
    ASSERT_TRUE(c->Send(FormatRequest("GET", "/metrics")));
    auto reply = c->Read(2s);
    ASSERT_TRUE(reply);
    ASSERT_NE(reply->header("connection"), "close");
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(c->WaitClosed(2s));  // idle_timeout still closes it once it stops
}

TEST_F(ServerTest, AnEndlessChunkLineOrTrailerIsRefusedWithinTheBufferBound) {
  // Beast's limits count header fields and decoded body bytes; the chunk
  // framing is bounded by the read buffer (header + body limits).
  ServerOptions options;
  options.max_header_bytes = 2048;
  options.max_body_bytes = 2048;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  const std::string head = "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (const std::string& start : {head + "1;", head + "1;ext=", head + "0\r\nX-Trailer: "}) {
    auto c = Connection::Open(port());
    ASSERT_TRUE(c);
    // 256 KiB, never a line break: far past the bound, far below what a
    // test could notice in memory. The server stops reading at the bound.
    c->Send(start);
    const std::string filler(4096, 'a');
    for (int i = 0; i < 64 && c->Send(filler); ++i) {
    }
    auto reply = c->Read(3s);
    ASSERT_TRUE(reply) << start;
    EXPECT_EQ(reply->status, 413) << start;
    EXPECT_EQ(reply->header("connection"), "close");
    EXPECT_TRUE(c->WaitClosed(3s));
  }
  EXPECT_EQ(handler_.handled, 0);
  // Well-formed chunked bodies with extensions still pass.
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send(head + "3;name=value\r\nabc\r\n0\r\n\r\n"));
  auto reply = c->Read();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "POST /x body=3 auth=0");
}

TEST_F(ServerTest, ServesTlsWithACertificateMadeByOpenssl) {
  auto cert = testing::MakeTestCert();
  ASSERT_TRUE(cert) << "openssl req failed";
  ServerOptions options;
  options.tls_cert_file = cert->cert_file;
  options.tls_key_file = cert->key_file;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  testing::TlsClientOptions tls{cert->cert_file};
  auto c = Connection::Open(port(), tls);
  ASSERT_TRUE(c);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c->Send(FormatRequest("POST", "/secure", "t", "{}")));
    auto reply = c->Read();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->body, "POST /secure body=2 auth=1 tls");
  }
  // Plaintext on the TLS port gets nowhere near the handler.
  auto plain = Connection::Open(port());
  ASSERT_TRUE(plain);
  ASSERT_TRUE(plain->Send(FormatRequest("GET", "/plain")));
  EXPECT_FALSE(plain->Read(2s));
  EXPECT_EQ(handler_.handled, 2);
}

TEST(ServerStartTest, FailsOnABadAddressABusyPortOrAMissingCertificate) {
  EchoHandler handler;
  ServerOptions options;
  options.listen = "nonsense";
  auto bad = Server::Start(options, handler);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "listen");

  options.listen = "127.0.0.1:0";
  auto first = Server::Start(options, handler);
  ASSERT_TRUE(first.ok());
  options.listen = (*first)->address();
  auto busy = Server::Start(options, handler);
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, "listen");

  options.listen = "127.0.0.1:0";
  options.tls_cert_file = "/nonexistent/cert.pem";
  options.tls_key_file = "/nonexistent/key.pem";
  auto tls = Server::Start(options, handler);
  ASSERT_FALSE(tls.ok());
  EXPECT_EQ(tls.error().code, "tls");
  options.tls_key_file = "";
  EXPECT_EQ(Server::Start(options, handler).error().code, "tls");
}

}  // namespace
}  // namespace riskd::http
