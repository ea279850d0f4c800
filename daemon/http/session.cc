// One connection's life: (TLS handshake,) then for each request: wait for
// its first byte under idle_timeout (or what is left of the connection's
// lease), read header and body under read_timeout into a buffer bounded by
// max_header_bytes + max_body_bytes, call the handler, write the response;
// repeat while the client keeps the connection alive and its lease lasts.
// Protocol failures are answered with the handler's JSON error and end the
// connection.
#include "daemon/http/session.h"

#include "daemon/http/routing.h"
#include "daemon/trust/request_signer.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include <boost/asio/dispatch.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace riskd::http::internal {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using beast::error_code;

// How much to read while waiting for a request's first bytes.
constexpr std::size_t kFirstReadBytes = 4096;
// After an error response we stop sending but keep reading (and dropping)
// what the client still sends for this long, so that closing a socket with
// unread data does not reset the connection before the client has read the
// response (the "lingering close" of nginx and Apache).
constexpr std::chrono::seconds kLingerTime{1};
constexpr std::size_t kLingerReadBytes = 64 * 1024;

// The read buffer's bound: a whole request within both limits fits, and
// nothing a client sends can make it larger. Beast's limits count header
// fields and decoded body bytes only; a chunk-size line, chunk extensions
// or trailer fields that never end would otherwise grow the buffer until
// memory runs out.
std::size_t ReadBufferLimit(const ServerOptions& options) {
  const std::size_t header = options.max_header_bytes;
  const std::size_t body = options.max_body_bytes;
  const std::size_t sum = body > SIZE_MAX - header ? SIZE_MAX : header + body;
  return std::max(sum, kFirstReadBytes);  // never a zero-sized read
}

// A parse error is a malformed request; every other read error (EOF, reset,
// timeout, TLS failure) means the client is gone or too slow.
bool IsParseError(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

 public:
  Session(Stream stream, std::string client, std::shared_ptr<Shared> shared)
      : stream_(std::move(stream)),
        client_(std::move(client)),
        shared_(std::move(shared)),
        buffer_(ReadBufferLimit(shared_->options)),
        lease_(std::chrono::steady_clock::now() + shared_->options.idle_timeout) {}

  ~Session() { shared_->limits.Release(client_); }

  void Run() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kTls) {
        self->tcp().expires_after(self->options().read_timeout);
        self->stream_.async_handshake(ssl::stream_base::server, [self](const error_code& ec) {
          if (ec) return self->CloseNow();
          self->AwaitRequest();
        });
      } else {
        self->AwaitRequest();
      }
    });
  }

 private:
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }
  const ServerOptions& options() const { return shared_->options; }

  // Up to `wanted` bytes of the buffer's free room (it may be smaller than
  // these reads when the limits are small).
  auto Room(std::size_t wanted) {
    return buffer_.prepare(std::min(wanted, buffer_.max_size() - buffer_.size()));
  }

  // Idle until the next request's first bytes (unless a pipelined request
  // is already buffered). Where a lease applies, the wait ends with it.
  void AwaitRequest() {
    parser_.reset();
    if (buffer_.size() > 0) return ReadHeader();
    if (options().keep_alive_needs_auth) {
      tcp().expires_at(lease_);
    } else {
      tcp().expires_after(options().idle_timeout);
    }
    stream_.async_read_some(Room(kFirstReadBytes),
                            [self = this->shared_from_this()](const error_code& ec, std::size_t n) {
                              self->buffer_.commit(n);
                              if (ec) return self->CloseNow();
                              self->ReadHeader();
                            });
  }

  // From the first byte on, the whole request must arrive within
  // read_timeout: a client trickling bytes (slowloris) is dropped.
  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(options().max_header_bytes, UINT32_MAX)));
    parser_->body_limit(options().max_body_bytes);
    tcp().expires_after(options().read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                               self->OnHeader(ec);
                             });
  }

  void OnHeader(const error_code& ec) {
    if (ec) return OnReadError(ec);
    const auto& request = parser_->get();
    // curl and others wait (up to a second) for "100 Continue" before
    // sending a large body; the body limit has already been checked
    // against Content-Length by now.
    if (!parser_->is_done() &&
        beast::iequals(request[bhttp::field::expect], "100-continue")) {
      continue_ = bhttp::response<bhttp::empty_body>(bhttp::status::continue_, request.version());
      return bhttp::async_write(stream_, continue_,
                                [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                                  if (ec) return self->CloseNow();
                                  self->ReadBody();
                                });
    }
    ReadBody();
  }

  void ReadBody() {
    if (parser_->is_done()) return OnBody({});
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                        self->OnBody(ec);
                      });
  }

  void OnReadError(const error_code& ec) {
    if (ec == bhttp::error::header_limit) {
      return Refuse(431, "HEADER_TOO_LARGE",
                    "request header exceeds " + std::to_string(options().max_header_bytes) + " bytes");
    }
    if (ec == bhttp::error::body_limit) {
      return Refuse(413, "PAYLOAD_TOO_LARGE",
                    "request body exceeds " + std::to_string(options().max_body_bytes) + " bytes");
    }
    // The read buffer is full and the parser still wants more: the header
    // limit fires before that, so this is the body's framing (a chunk line
    // or trailer that does not end).
    if (ec == bhttp::error::buffer_overflow) {
      if (parser_ && !parser_->is_header_done()) {
        return Refuse(431, "HEADER_TOO_LARGE",
                      "request header exceeds " + std::to_string(options().max_header_bytes) + " bytes");
      }
      return Refuse(413, "PAYLOAD_TOO_LARGE",
                    "request body and its chunked framing exceed " + std::to_string(options().max_body_bytes) +
                        " bytes");
    }
    if (IsParseError(ec)) return Refuse(400, "INVALID_ARGUMENT", "malformed HTTP request: " + ec.message());
    CloseNow();
  }

  void OnBody(const error_code& ec) {
    if (ec) return OnReadError(ec);
    auto& request = parser_->get();
    Request r;
    r.method = std::string(request.method_string());
    r.target = std::string(request.target());
    auto [first, last] = request.equal_range(bhttp::field::authorization);
    for (auto it = first; it != last; ++it) r.authorization.emplace_back(it->value());
    auto field = [&request](std::string_view name) {
      auto it = request.find(beast::string_view(name.data(), name.size()));
      return it == request.end() ? std::string() : std::string(it->value());
    };
    r.forwarded_by = field(trust::kForwardedByHeader);
    r.forwarded_caller = field(trust::kCallerHeader);
    r.forwarded_role = field(trust::kCallerRoleHeader);
    r.forwarded_at = field(trust::kForwardedAtHeader);
    r.forwarded_signature = field(trust::kRequestSignatureHeader);
    r.body = std::move(request.body());
    r.tls = kTls;
    const bool head = request.method() == bhttp::verb::head;
    const bool keep_alive = request.keep_alive();
    const unsigned version = request.version();
    // The answer may come from another thread (a forwarded request): it is
    // written on this connection's strand. Nothing is read meanwhile.
    auto respond = [self = this->shared_from_this(), version, keep_alive, head](Response response) {
      net::dispatch(self->stream_.get_executor(),
                    [self, response = std::move(response), version, keep_alive, head]() mutable {
                      self->Write(std::move(response), version, keep_alive, head);
                    });
    };
    try {
      shared_->handler->HandleAsync(std::move(r), respond);
    } catch (const std::exception&) {
      Write(SafeReject(500, "INTERNAL", "internal error"), version, /*keep_alive=*/false, head);
    }
  }

  // Answers a request that could not be read in full or was malformed, then
  // closes the connection.
  void Refuse(int status, std::string_view code, const std::string& message) {
    const unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    Write(SafeReject(status, code, message), version, /*keep_alive=*/false, /*head=*/false);
  }

  Response SafeReject(int status, std::string_view code, std::string_view message) {
    try {
      return shared_->handler->Reject(status, code, message);
    } catch (const std::exception&) {
      Response r;
      r.status = 500;
      r.body = R"({"error":{"code":"INTERNAL","message":"internal error"}})";
      return r;
    }
  }

  void Write(Response response, unsigned version, bool keep_alive, bool head) {
    // An authenticated request renews the lease once its answer is out; a
    // connection whose lease ran out is told so and closed after this one.
    const bool renew = response.authenticated;
    if (options().keep_alive_needs_auth && !renew && std::chrono::steady_clock::now() >= lease_) keep_alive = false;
    response_ = {};
    response_.version(version);
    response_.result(static_cast<unsigned>(response.status));
    response_.set(bhttp::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) response_.insert(name, value);
    response_.body() = std::move(response.body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    // HEAD: same header fields (Content-Length included), no body.
    if (head) response_.body().clear();
    tcp().expires_after(options().read_timeout);
    bhttp::async_write(stream_, response_,
                       [self = this->shared_from_this(), keep_alive, renew](const error_code& ec, std::size_t) {
                         if (ec) return self->CloseNow();
                         if (renew) self->lease_ = std::chrono::steady_clock::now() + self->options().idle_timeout;
                         if (!keep_alive) return self->CloseGracefully();
                         self->AwaitRequest();
                       });
  }

  void CloseGracefully() {
    tcp().expires_after(kLingerTime);
    if constexpr (kTls) {
      stream_.async_shutdown([self = this->shared_from_this()](const error_code&) { self->CloseNow(); });
    } else {
      error_code ignored;
      tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
      Drain();
    }
  }

  // Reads and drops whatever the client still sends until it closes or the
  // linger time is up.
  void Drain() {
    buffer_.consume(buffer_.size());
    tcp().async_read_some(Room(kLingerReadBytes),
                          [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                            if (ec) return self->CloseNow();
                            self->Drain();
                          });
  }

  void CloseNow() {
    error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    tcp().close();
  }

  Stream stream_;
  const std::string client_;  // its key in shared_->limits
  std::shared_ptr<Shared> shared_;
  beast::flat_buffer buffer_;  // bounded: ReadBufferLimit
  // Where keep_alive_needs_auth applies, the connection is closed at this
  // point unless an authenticated request moves it on.
  std::chrono::steady_clock::time_point lease_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::empty_body> continue_;
  bhttp::response<bhttp::string_body> response_;
};

}  // namespace

void StartSession(tcp::socket socket, std::string client, std::shared_ptr<Shared> shared) {
  if (shared->tls) {
    auto& context = *shared->tls;
    std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
        beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(socket)), context), std::move(client),
        std::move(shared))
        ->Run();
  } else {
    std::make_shared<Session<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)), std::move(client),
                                                 std::move(shared))
        ->Run();
  }
}

}  // namespace riskd::http::internal
