// The HTTP client that carries a request to the instance serving its
// account (Boost.Beast, asynchronous, on a thread of its own). Connections
// to each peer are kept alive and reused; every exchange (resolve, connect,
// write, read) must finish within `timeout`.
//
// A request that failed on a reused connection before any byte of the
// answer came back (the peer had closed it while idle) is sent once more
// on a fresh connection, if the caller says repeating it is harmless.
//
// A peer advertised as https:// is reached over TLS (1.2 or later), its
// certificate verified against `peer_ca_file` (or the system's trust store)
// and the advertised host name. With `require_tls` (http.tls is set here) a
// peer advertised as http:// is refused: nothing goes between instances in
// clear while TLS is on.
//
// Thread-safety: Forward from any thread; Stop from one.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "daemon/config/http_url.h"
#include "daemon/http/message.h"
#include "scoring/result.h"

namespace riskd::cluster {

struct ForwarderOptions {
  std::chrono::milliseconds timeout{2000};  // http.forward_timeout
  // Idle connections kept per peer, and for how long (below the peers'
  // http.idle_timeout, so it is rarely the peer that closes first).
  std::size_t max_idle_per_peer = 16;
  std::chrono::seconds max_idle_age{20};
  std::size_t max_response_bytes = 16 << 20;
  // cluster.peer_ca_file: the PEM bundle https peers are verified against;
  // empty: the system's default trust store.
  std::string peer_ca_file = "";
  // http.tls is set: http:// peers are refused ("unavailable").
  bool require_tls = false;
};

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

class Forwarder {
 public:
  // A bad peer_ca_file does not throw: see tls_status().
  explicit Forwarder(ForwarderOptions options);
  ~Forwarder();  // Stop()
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Whether the TLS client context loaded (peer_ca_file); the daemon
  // refuses to start otherwise.
  const Status& tls_status() const;

  // Sends `request` to `peer` with the same method (HEAD as GET), target
  // and body, plus `headers` (the signed Riskd-* identity). Never the
  // request's Authorization: a peer never sees a client's token. `done` is
  // called exactly once, on the forwarder's thread, with the peer's
  // response, or error code "unavailable" (cannot resolve, connect, TLS
  // handshake or verification failed, timed out, connection lost, shutting
  // down, an http:// peer while TLS is required).
  void Forward(const config::HttpUrl& peer, const http::Request& request, HeaderFields headers, bool repeatable,
               std::function<void(Result<http::Response>)> done);

  // Cancels what is in flight (each gets "unavailable"), closes the idle
  // connections, joins the thread. Later Forward calls fail at once.
  // Idempotent.
  void Stop();

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace riskd::cluster
