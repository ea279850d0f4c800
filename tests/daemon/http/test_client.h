// A deliberately small HTTP/1.1 client for the server tests: blocking POSIX
// sockets (and OpenSSL for TLS), so a test can send exactly the bytes it
// wants (garbage, half a request, a header of 1 MiB) and see exactly what
// comes back, without Beast in the test binaries.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace riskd::http::testing {

struct Reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct TlsClientOptions {
  std::string ca_file;  // the server's self-signed certificate
};

class Connection {
 public:
  // Connects to 127.0.0.1:port (TLS handshake included when `tls` is set,
  // verifying the certificate for 127.0.0.1). nullptr on failure.
  static std::unique_ptr<Connection> Open(std::uint16_t port,
                                          const std::optional<TlsClientOptions>& tls = std::nullopt);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Writes all of `bytes`; false when the peer is gone.
  bool Send(std::string_view bytes);

  // Reads one response (Content-Length framed). nullopt on EOF, error or
  // timeout before a whole response arrived.
  std::optional<Reply> Read(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // True when the peer closes the connection (EOF or reset) within
  // `timeout`; bytes arriving meanwhile are dropped.
  bool WaitClosed(std::chrono::milliseconds timeout);

 private:
  Connection() = default;
  // >0 bytes read, 0 EOF/error, -1 timeout.
  long ReadSome(char* out, std::size_t size, std::chrono::milliseconds timeout);

  int fd_ = -1;
  struct Tls;
  std::unique_ptr<Tls> tls_;
  std::string pending_;  // bytes read past the previous response
};

// Builds a request: `token` adds "Authorization: Bearer <token>"; a body
// adds Content-Length and Content-Type: application/json.
std::string FormatRequest(std::string_view method, std::string_view target,
                          std::string_view token = "", std::string_view body = "",
                          bool keep_alive = true);

// One request on a fresh connection. A Reply with status 0 when it failed.
Reply Call(std::uint16_t port, std::string_view method, std::string_view target,
           std::string_view token = "", std::string_view body = "",
           const std::optional<TlsClientOptions>& tls = std::nullopt);

}  // namespace riskd::http::testing
