#include "tests/daemon/http/test_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>

namespace riskd::http::testing {

struct Connection::Tls {
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  ~Tls() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
  }
};

namespace {

using Clock = std::chrono::steady_clock;

int PollMillis(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::max<long long>(0, left));
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::unique_ptr<Connection> Connection::Open(std::uint16_t port, const std::optional<TlsClientOptions>& tls) {
  // A server closing on us must show up as an error, not kill the test.
  std::signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<Connection> c(new Connection());
  c->fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd_ < 0) return nullptr;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(c->fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return nullptr;
  int one = 1;
  ::setsockopt(c->fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (tls) {
    c->tls_ = std::make_unique<Tls>();
    c->tls_->ctx = SSL_CTX_new(TLS_client_method());
    if (!c->tls_->ctx || SSL_CTX_load_verify_locations(c->tls_->ctx, tls->ca_file.c_str(), nullptr) != 1) {
      return nullptr;
    }
    SSL_CTX_set_verify(c->tls_->ctx, SSL_VERIFY_PEER, nullptr);
    c->tls_->ssl = SSL_new(c->tls_->ctx);
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->tls_->ssl), "127.0.0.1");
    SSL_set_fd(c->tls_->ssl, c->fd_);
    if (SSL_connect(c->tls_->ssl) != 1) return nullptr;
  }
  return c;
}

Connection::~Connection() {
  if (tls_ && tls_->ssl) SSL_shutdown(tls_->ssl);
  tls_.reset();
  if (fd_ >= 0) ::close(fd_);
}

bool Connection::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    long n = tls_ ? SSL_write(tls_->ssl, bytes.data(), static_cast<int>(bytes.size()))
                  : ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      if (!tls_ && n < 0 && errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

long Connection::ReadSome(char* out, std::size_t size, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (!(tls_ && SSL_pending(tls_->ssl) > 0)) {
      pollfd p{fd_, POLLIN, 0};
      int r = ::poll(&p, 1, PollMillis(deadline));
      if (r == 0) return -1;
      if (r < 0) {
        if (errno == EINTR) continue;
        return 0;
      }
    }
    if (tls_) {
      int n = SSL_read(tls_->ssl, out, static_cast<int>(size));
      if (n > 0) return n;
      int err = SSL_get_error(tls_->ssl, n);
      if (err == SSL_ERROR_WANT_READ) {
        if (Clock::now() >= deadline) return -1;
        continue;
      }
      return 0;
    }
    long n = ::recv(fd_, out, size, 0);
    if (n < 0 && errno == EINTR) continue;
    return n > 0 ? n : 0;
  }
}

std::optional<Reply> Connection::Read(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  char chunk[16384];
  auto fill = [&]() -> bool {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    long n = ReadSome(chunk, sizeof chunk, left);
    if (n <= 0) return false;
    pending_.append(chunk, static_cast<std::size_t>(n));
    return true;
  };
  std::size_t end;
  while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill()) return std::nullopt;
  }
  Reply reply;
  std::string head = pending_.substr(0, end);
  pending_.erase(0, end + 4);
  std::size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12) return std::nullopt;
  reply.status = std::atoi(status_line.c_str() + 9);
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    std::size_t next = head.find("\r\n", pos);
    if (next == std::string::npos) next = head.size();
    std::string line = head.substr(pos, next - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      reply.headers[Lower(line.substr(0, colon))] = value;
    }
    pos = next + 2;
  }
  // 1xx responses have no body; a HEAD reply's Content-Length is not ours
  // to read, so callers of HEAD use WaitClosed/Send instead of Read twice.
  std::size_t length = 0;
  if (reply.status >= 200 && reply.headers.count("content-length")) {
    length = std::stoul(reply.headers["content-length"]);
  }
  while (pending_.size() < length) {
    if (!fill()) return std::nullopt;
  }
  reply.body = pending_.substr(0, length);
  pending_.erase(0, length);
  return reply;
}

bool Connection::WaitClosed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  char chunk[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    long n = ReadSome(chunk, sizeof chunk, left);
    if (n == 0) return true;
    if (n < 0) return false;
  }
}

std::string FormatRequest(std::string_view method, std::string_view target, std::string_view token,
                          std::string_view body, bool keep_alive) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  if (!token.empty()) out.append("Authorization: Bearer ").append(token).append("\r\n");
  if (!body.empty() || method == "POST") {
    out.append("Content-Type: application/json\r\nContent-Length: ")
        .append(std::to_string(body.size()))
        .append("\r\n");
  }
  if (!keep_alive) out.append("Connection: close\r\n");
  out.append("\r\n").append(body);
  return out;
}

Reply Call(std::uint16_t port, std::string_view method, std::string_view target, std::string_view token,
           std::string_view body, const std::optional<TlsClientOptions>& tls) {
  auto c = Connection::Open(port, tls);
  if (!c || !c->Send(FormatRequest(method, target, token, body))) return {};
  auto reply = c->Read();
  return reply ? *reply : Reply{};
}

}  // namespace riskd::http::testing
