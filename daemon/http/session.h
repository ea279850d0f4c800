// Internal to daemon/http (server.cc and session.cc only): one accepted
// connection, served until it closes. Includes Asio; keep it out of
// anything else.
#pragma once

#include <atomic>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "daemon/http/message.h"
#include "daemon/http/server_options.h"

namespace riskd::http::internal {

// What every connection of one listener shares. Outlives the listener's
// sessions: each holds a shared_ptr to it.
struct Shared {
  ServerOptions options;
  Handler* handler = nullptr;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plaintext
  // Open connections; the listener increments it before StartSession, the
  // session decrements it when it is destroyed.
  std::atomic<int> connections{0};
};

// Serves `socket` (already counted in shared->connections), over TLS when
// shared->tls is set. The socket's executor must be a strand: a session's
// operations and its timer must not run concurrently.
void StartSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<Shared> shared);

}  // namespace riskd::http::internal
