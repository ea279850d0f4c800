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

  // With it, idle_timeout is also a lease that only an authenticated
  // request renews (Response::authenticated): a connection is closed once
  // idle_timeout has passed since it opened or since its last
  // authenticated request, whatever open routes (/healthz) it keeps
  // calling meanwhile, so a stranger cannot hold a slot for good. The
  // response that finds the lease expired says `Connection: close`. On for
  // the API listener; off for the metrics listener, where nothing is
  // authenticated and a scraper keeps its connection by scraping more
  // often than idle_timeout.
  bool keep_alive_needs_auth = true;

  // Connections open at once. One more is answered 503 and closed at once
  // (plaintext) or just closed (TLS), so idle clients cannot exhaust file
  // descriptors.
  int max_connections = 4096;

  // Connections open at once from one client address (an IPv6 client: its
  // /64). One more is refused like one over max_connections, and takes no
  // slot, so one host cannot fill the listener.
  int max_connections_per_ip = 128;

  // PEM files; TLS is on when both are set, off when both are empty.
  std::string tls_cert_file;
  std::string tls_key_file;

  // Names this listener in logs ("api", "metrics").
  std::string name = "api";
};

}  // namespace riskd::http
