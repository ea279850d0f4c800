// Internal to daemon/http (server.cc and session.cc only): one accepted
// connection, served until it closes. Includes Asio; keep it out of
// anything else.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "daemon/http/connection_limits.h"
#include "daemon/http/message.h"
#include "daemon/http/server_options.h"

namespace riskd::http::internal {

// What every connection of one listener shares. Outlives the listener's
// sessions: each holds a shared_ptr to it.
struct Shared {
  explicit Shared(const ServerOptions& o)
      : options(o), limits(o.max_connections, o.max_connections_per_ip) {}
  const ServerOptions options;
  Handler* handler = nullptr;
  std::shared_ptr<boost::asio::ssl::context> tls;  // null: plaintext
  // Open connections; the listener admits before StartSession, the
  // session releases when it is destroyed.
  ConnectionLimits limits;
};

// Serves `socket` (already admitted in shared->limits as `client`), over
// TLS when shared->tls is set. The socket's executor must be a strand: a
// session's operations and its timer must not run concurrently.
void StartSession(boost::asio::ip::tcp::socket socket, std::string client, std::shared_ptr<Shared> shared);

}  // namespace riskd::http::internal
