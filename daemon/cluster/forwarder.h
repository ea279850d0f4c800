// The HTTP client that carries a request to the instance serving its
// account (Boost.Beast, asynchronous, on a thread of its own). Connections
// to each peer are kept alive and reused; every exchange (resolve, connect,
// write, read) must finish within `timeout`.
//
// A request that failed on a reused connection before any byte of the
// answer came back (the peer had closed it while idle) is sent once more
// on a fresh connection, if the caller says repeating it is harmless.
//
// Thread-safety: Forward from any thread; Stop from one.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "daemon/config/http_url.h"
#include "daemon/http/message.h"
#include "scoring/result.h"

namespace riskd::cluster {

struct ForwarderOptions {
  std::string self_instance_id;  // sent as Riskd-Forwarded-By
  std::chrono::milliseconds timeout{2000};  // http.forward_timeout
  // Idle connections kept per peer, and for how long (below the peers'
  // http.idle_timeout, so it is rarely the peer that closes first).
  std::size_t max_idle_per_peer = 16;
  std::chrono::seconds max_idle_age{20};
  std::size_t max_response_bytes = 16 << 20;
};

class Forwarder {
 public:
  explicit Forwarder(ForwarderOptions options);
  ~Forwarder();  // Stop()
  Forwarder(const Forwarder&) = delete;
  Forwarder& operator=(const Forwarder&) = delete;

  // Sends `request` to `peer` with the same method (HEAD as GET), target,
  // Authorization fields and body, plus Riskd-Forwarded-By. `done` is
  // called exactly once, on the forwarder's thread, with the peer's
  // response, or error code "unavailable" (cannot resolve, connect, timed
  // out, connection lost, shutting down).
  void Forward(const config::HttpUrl& peer, const http::Request& request, bool repeatable,
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
