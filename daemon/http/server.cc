// The listener: binds, accepts, enforces max_connections and
// max_connections_per_ip, owns the threads.
// Each accepted socket gets its own strand and is handed to session.cc.
#include "daemon/http/server.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

#include "daemon/http/listen_address.h"
#include "daemon/http/session.h"
#include "daemon/log/log.h"

namespace riskd::http {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

namespace {

// An accept error (most likely out of file descriptors) is retried after
// this pause instead of spinning.
constexpr std::chrono::milliseconds kAcceptRetry{50};

Result<std::shared_ptr<ssl::context>> LoadTls(const ServerOptions& options) {
  if (options.tls_cert_file.empty() && options.tls_key_file.empty()) {
    return std::shared_ptr<ssl::context>();
  }
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return Error{"tls", "TLS needs both a certificate file and a key file"};
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::single_dh_use);
  boost::system::error_code ec;
  context->use_certificate_chain_file(options.tls_cert_file, ec);
  if (ec) return Error{"tls", "cannot load certificate " + options.tls_cert_file + ": " + ec.message()};
  context->use_private_key_file(options.tls_key_file, ssl::context::pem, ec);
  if (ec) return Error{"tls", "cannot load private key " + options.tls_key_file + ": " + ec.message()};
  return context;
}

// Renders a Response as raw HTTP/1.1 bytes; only for the refusal written
// from the acceptor, which has no session.
std::string Serialize(const Response& response) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " Service Unavailable\r\n";
  out += "Content-Type: " + response.content_type + "\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  out += "Content-Length: " + std::to_string(response.body.size()) + "\r\nConnection: close\r\n\r\n";
  out += response.body;
  return out;
}

// Whom max_connections_per_ip counts: an IPv4 address (also when it
// arrives v4-mapped on a v6 socket), or an IPv6 /64, the block one host
// or one customer line usually gets.
std::string ClientKey(const net::ip::address& address) {
  if (address.is_v4()) return address.to_string();
  const net::ip::address_v6 v6 = address.to_v6();
  if (v6.is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, v6).to_string();
  net::ip::address_v6::bytes_type bytes = v6.to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return net::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace

struct Server::Impl {
  Impl(const ServerOptions& options, Handler& handler)
      : ioc(std::max(1, options.threads)),
        work(ioc.get_executor()),
        acceptor(net::make_strand(ioc)),
        retry_timer(acceptor.get_executor()),
        shared(std::make_shared<internal::Shared>(options)) {
    shared->handler = &handler;
  }

  void Accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](const boost::system::error_code& ec,
                                                        tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        log::Warn("http", "accept failed", {{"listener", shared->options.name}, {"error", ec.message()}});
        retry_timer.expires_after(kAcceptRetry);
        retry_timer.async_wait([this](const boost::system::error_code& ec) {
          if (!ec) Accept();
        });
        return;
      }
      boost::system::error_code peer_ec;
      const tcp::endpoint peer = socket.remote_endpoint(peer_ec);
      if (peer_ec) {
        // Gone already (reset before we got to it).
        boost::system::error_code ignored;
        socket.close(ignored);
        return Accept();
      }
      std::string client = ClientKey(peer.address());
      switch (shared->limits.TryAdmit(client)) {
        case internal::ConnectionLimits::Admit::kTooMany: Refuse(std::move(socket), "too many connections"); break;
        case internal::ConnectionLimits::Admit::kTooManyFromClient:
          Refuse(std::move(socket), "too many connections from this address");
          break;
        case internal::ConnectionLimits::Admit::kYes: {
          boost::system::error_code ignored;
          socket.set_option(tcp::no_delay(true), ignored);
          internal::StartSession(std::move(socket), std::move(client), shared);
          break;
        }
      }
      Accept();
    });
  }

  // Over a cap: a plaintext client is told why (one non-blocking write that
  // fits any socket buffer); a TLS client would need a handshake first, so
  // it is just closed. Either way the acceptor never waits on it.
  void Refuse(tcp::socket socket, std::string_view why) {
    boost::system::error_code ignored;
    if (!shared->tls) {
      Response response = shared->handler->Reject(503, "UNAVAILABLE", why);
      response.headers.emplace_back("Retry-After", "1");
      const std::string bytes = Serialize(response);
      socket.non_blocking(true, ignored);
      socket.write_some(net::buffer(bytes), ignored);
      socket.shutdown(tcp::socket::shutdown_both, ignored);
    }
    socket.close(ignored);
  }

  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> work;
  tcp::acceptor acceptor;
  net::steady_timer retry_timer;
  std::shared_ptr<internal::Shared> shared;
  tcp::endpoint bound;
  std::vector<std::thread> threads;
  std::shared_ptr<Handler> owned_handler;  // for the owning Start()
};

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, Handler& handler) {
  auto address = ParseListenAddress(options.listen);
  if (!address.ok()) return address.error();
  auto tls = LoadTls(options);
  if (!tls.ok()) return tls.error();

  auto impl = std::make_unique<Impl>(options, handler);
  impl->shared->tls = std::move(*tls);

  boost::system::error_code ec;
  tcp::resolver resolver(impl->ioc);
  auto endpoints = resolver.resolve(address->host, std::to_string(address->port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Error{"listen", "cannot resolve " + options.listen + ": " + ec.message()};
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  auto& acceptor = impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (!ec) impl->bound = acceptor.local_endpoint(ec);
  if (ec) return Error{"listen", "cannot listen on " + options.listen + ": " + ec.message()};

  impl->Accept();
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    impl->threads.emplace_back([ioc = &impl->ioc] { ioc->run(); });
  }
  std::unique_ptr<Server> server(new Server(std::move(impl)));
  log::Info("http", "listening",
            {{"listener", options.name}, {"address", server->address()},
             {"tls", server->impl_->shared->tls ? "true" : "false"}});
  return server;
}

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options, std::shared_ptr<Handler> handler) {
  auto server = Start(options, *handler);
  if (server.ok()) (*server)->impl_->owned_handler = std::move(handler);
  return server;
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  // Handlers running now complete; queued work, the acceptor and every
  // open connection are dropped when the io_context is destroyed.
  impl_->work.reset();
  impl_->ioc.stop();
  for (auto& thread : impl_->threads) thread.join();
}

std::uint16_t Server::port() const { return impl_->bound.port(); }

std::string Server::address() const {
  const auto& a = impl_->bound.address();
  return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" + std::to_string(port());
}

int Server::open_connections() const { return impl_->shared->limits.total(); }

}  // namespace riskd::http
