// Every knob of one HTTP listener, with its default. daemon/app fills it
// from the config's `http.*` (or `metrics.listen`) keys.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace riskd::http {

struct ServerOptions {
  // "host:port" or "[v6]:port"; port 0 picks a free one (tests).
  std::string listen = "127.0.0.1:8080";

  // Threads running the event loop. Handlers run on them synchronously
  // (a state read is a RocksDB get), so a few more than cores is fine.
  int threads = 4;

  // Request line plus header fields. Beyond it: 431 and the connection closes.
  std::size_t max_header_bytes = 16 * 1024;

  // Request body. Beyond it (or a Content-Length announcing more): 413 and
  // the connection closes. The largest legitimate body (a feedback note) is
  // a few KiB.
  std::size_t max_body_bytes = 1024 * 1024;

  // Time a client has to deliver a whole request once its first byte
  // arrived (headers and body), and to accept a whole response; also the
  // TLS handshake's limit. A slower client is disconnected (slowloris).
  std::chrono::milliseconds read_timeout{10'000};

  // Time an open connection may sit between requests (and before the first
  // one) before it is closed.
  std::chrono::milliseconds idle_timeout{60'000};

  // Connections open at once. One more is answered 503 and closed at once
  // (plaintext) or just closed (TLS), so idle clients cannot exhaust file
  // descriptors.
  int max_connections = 4096;

  // PEM files; TLS is on when both are set, off when both are empty.
  std::string tls_cert_file;
  std::string tls_key_file;

  // Names this listener in logs ("api", "metrics").
  std::string name = "api";
};

}  // namespace riskd::http
