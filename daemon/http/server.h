// riskd's HTTP/1.1 server: Boost.Beast on Asio, asynchronous, keep-alive,
// optional TLS. One Server is one listening socket with its own threads;
// the daemon runs one on http.listen and one on metrics.listen.
//
// Beast and Asio stay behind this header (pimpl): only server.cc and
// session.cc include them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "daemon/http/message.h"
#include "daemon/http/server_options.h"
#include "scoring/result.h"

namespace riskd::http {

class Server {
 public:
  // Binds `options.listen`, loads the TLS certificate and key when set, and
  // starts `options.threads` threads serving `handler`. Errors (code
  // "listen" or "tls"): the address cannot be parsed, resolved or bound;
  // the certificate or key cannot be loaded. `handler` must outlive the
  // Server.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, Handler& handler);
  // The same, the Server owning `handler` (released after the threads stop).
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options, std::shared_ptr<Handler> handler);

  // Stops accepting, closes every connection and joins the threads.
  // Requests being handled finish first; nothing is called on the handler
  // afterwards.
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (useful with port 0) and address, e.g. "127.0.0.1:41234".
  std::uint16_t port() const;
  std::string address() const;

  // Connections open right now (for tests and logs).
  int open_connections() const;

  struct Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace riskd::http
