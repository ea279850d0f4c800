#include "daemon/cluster/forwarder.h"

#include <openssl/ssl.h>

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "daemon/http/routing.h"

namespace riskd::cluster {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;
using beast::error_code;
using SteadyClock = std::chrono::steady_clock;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

// Response fields that mean something to the client and come back as the
// owner sent them; hop-by-hop and framing fields do not.
constexpr std::string_view kPassedThrough[] = {"Retry-After", "WWW-Authenticate", "Allow", "Cache-Control",
                                               http::kInstanceHeader};

Error Unavailable(std::string message) { return Error{"unavailable", std::move(message)}; }

template <typename Stream>
void Close(Stream& stream) {
  error_code ignored;
  beast::get_lowest_layer(stream).socket().close(ignored);
}

template <typename Stream>
struct Idle {
  Stream stream;
  SteadyClock::time_point since;
};

template <typename Stream>
using Pools = std::map<std::string, std::vector<Idle<Stream>>>;

}  // namespace

// What Stop() needs of an exchange in flight, whatever its stream.
class ExchangeBase {
 public:
  virtual ~ExchangeBase() = default;
  virtual void Abort(std::string why) = 0;
};

struct Forwarder::Impl {
  explicit Impl(ForwarderOptions o)
      : options(std::move(o)), work(ioc.get_executor()), tls(ssl::context::tls_client) {
    tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    tls.set_verify_mode(ssl::verify_peer);
    error_code ec;
    if (options.peer_ca_file.empty()) {
      tls.set_default_verify_paths(ec);
    } else {
      tls.load_verify_file(options.peer_ca_file, ec);
    }
    if (ec) {
      tls_status = Error{"tls", "cannot load the peers' CA " +
                                    (options.peer_ca_file.empty() ? "(system default)" : options.peer_ca_file) +
                                    ": " + ec.message()};
    }
  }

  template <typename Stream>
  Pools<Stream>& pools() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      return idle_tls;
    } else {
      return idle_plain;
    }
  }

  // I/O thread only.
  template <typename Stream>
  std::optional<Stream> TakeIdle(const std::string& peer) {
    auto& all = pools<Stream>();
    auto it = all.find(peer);
    if (it == all.end()) return std::nullopt;
    auto& pool = it->second;
    while (!pool.empty()) {
      Idle<Stream> entry = std::move(pool.back());
      pool.pop_back();
      if (SteadyClock::now() - entry.since < options.max_idle_age &&
          beast::get_lowest_layer(entry.stream).socket().is_open()) {
        return std::move(entry.stream);
      }
      Close(entry.stream);
    }
    return std::nullopt;
  }

  template <typename Stream>
  void PutIdle(const std::string& peer, Stream stream) {
    auto& pool = pools<Stream>()[peer];
    if (stopping || pool.size() >= options.max_idle_per_peer) return Close(stream);
    pool.push_back(Idle<Stream>{std::move(stream), SteadyClock::now()});
  }

  void CloseIdle() {
    for (auto& [peer, pool] : idle_plain)
      for (auto& entry : pool) Close(entry.stream);
    for (auto& [peer, pool] : idle_tls)
      for (auto& entry : pool) Close(entry.stream);
    idle_plain.clear();
    idle_tls.clear();
  }

  ForwarderOptions options;
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> work;
  ssl::context tls;
  Status tls_status = OkStatus();
  std::thread thread;
  std::mutex mu;
  bool stopped = false;  // guarded by mu: Forward refuses from now on

  // I/O thread only.
  bool stopping = false;
  Pools<PlainStream> idle_plain;
  Pools<TlsStream> idle_tls;
  std::set<ExchangeBase*> active;
};

// One forwarded request: (reuse or resolve + connect (+ TLS handshake)),
// write, read, and at most one repeat on a fresh connection. Lives on the
// I/O thread.
template <typename Stream>
class Exchange : public ExchangeBase, public std::enable_shared_from_this<Exchange<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  using Done = std::function<void(Result<http::Response>)>;

  Exchange(Forwarder::Impl& impl, const config::HttpUrl& peer, const http::Request& request, HeaderFields headers,
           bool repeatable, Done done)
      : impl_(impl),
        peer_(peer),
        key_(peer.authority()),
        repeatable_(repeatable),
        done_(std::move(done)),
        resolver_(impl.ioc),
        deadline_(impl.ioc) {
    request_.method_string(request.method == "HEAD" ? "GET" : request.method);
    request_.target(request.target);
    request_.version(11);
    request_.set(bhttp::field::host, key_);
    // Never the client's Authorization: the signed Riskd-* identity instead.
    for (const auto& [name, value] : headers) {
      request_.set(beast::string_view(name.data(), name.size()), value);
    }
    if (!request.body.empty()) request_.set(bhttp::field::content_type, "application/json");
    request_.body() = request.body;
    request_.keep_alive(true);
    request_.prepare_payload();
  }

  void Start() {
    if (impl_.stopping) return Finish(Unavailable("shutting down"));
    impl_.active.insert(this);
    deadline_.expires_after(impl_.options.timeout);
    deadline_.async_wait([self = this->shared_from_this()](const error_code& ec) {
      if (!ec) self->Abort("no answer within " + std::to_string(self->impl_.options.timeout.count()) + " ms");
    });
    Attempt(/*allow_idle=*/true);
  }

  // Timeout or shutdown: cancel whatever is pending; its handler finishes.
  void Abort(std::string why) override {
    if (finished_ || !abort_reason_.empty()) return;
    abort_reason_ = std::move(why);
    resolver_.cancel();
    if (stream_) Close(*stream_);
  }

 private:
  void Attempt(bool allow_idle) {
    ++attempts_;
    parser_.emplace();
    parser_->body_limit(impl_.options.max_response_bytes);
    buffer_.consume(buffer_.size());
    if (allow_idle) {
      if (auto idle = impl_.TakeIdle<Stream>(key_)) {
        stream_.emplace(std::move(*idle));
        reused_ = true;
        return Write();
      }
    }
    reused_ = false;
    if constexpr (kTls) {
      stream_.emplace(impl_.ioc, impl_.tls);
    } else {
      stream_.emplace(impl_.ioc);
    }
    resolver_.async_resolve(
        peer_.host, std::to_string(peer_.port),
        [self = this->shared_from_this()](const error_code& ec, tcp::resolver::results_type results) {
          if (ec) return self->Fail("cannot resolve " + self->peer_.host + ": " + ec.message());
          if (!self->abort_reason_.empty()) return self->Fail("");
          beast::get_lowest_layer(*self->stream_)
              .async_connect(results, [self](const error_code& ec, const tcp::endpoint&) {
                if (ec) return self->Fail("cannot connect: " + ec.message());
                error_code ignored;
                beast::get_lowest_layer(*self->stream_).socket().set_option(tcp::no_delay(true), ignored);
                self->Connected();
              });
        });
  }

  void Connected() {
    if constexpr (kTls) {
      // The peer must prove it is the host it advertises, with a
      // certificate from the configured CA.
      error_code ec;
      net::ip::make_address(peer_.host, ec);
      if (ec) SSL_set_tlsext_host_name(stream_->native_handle(), peer_.host.c_str());  // SNI: names only
      stream_->set_verify_callback(ssl::host_name_verification(peer_.host));
      stream_->async_handshake(ssl::stream_base::client, [self = this->shared_from_this()](const error_code& ec) {
        if (ec) return self->Fail("TLS handshake failed: " + ec.message());
        self->Write();
      });
    } else {
      Write();
    }
  }

  void Write() {
    bhttp::async_write(*stream_, request_, [self = this->shared_from_this()](const error_code& ec, std::size_t) {
      if (ec) return self->RepeatOrFail("connection lost while sending: " + ec.message());
      self->Read();
    });
  }

  void Read() {
    bhttp::async_read(*stream_, buffer_, *parser_,
                      [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                        if (ec) return self->RepeatOrFail("connection lost while reading the answer: " + ec.message());
                        self->Complete();
                      });
  }

  // A kept-alive connection the peer closed while idle fails before any
  // byte of the answer arrives; the request most likely never ran.
  void RepeatOrFail(const std::string& why) {
    const bool nothing_back = !parser_->got_some();
    if (reused_ && nothing_back && repeatable_ && attempts_ == 1 && abort_reason_.empty() && !impl_.stopping) {
      Close(*stream_);
      return Attempt(/*allow_idle=*/false);
    }
    Fail(why);
  }

  void Complete() {
    auto response = parser_->release();
    http::Response out;
    out.status = static_cast<int>(response.result_int());
    out.content_type = std::string(response[bhttp::field::content_type]);
    for (const auto& field : response) {
      for (std::string_view name : kPassedThrough) {
        if (beast::iequals(field.name_string(), beast::string_view(name.data(), name.size()))) {
          out.headers.emplace_back(std::string(name), std::string(field.value()));
        }
      }
    }
    out.body = std::move(response.body());
    if (response.keep_alive() && abort_reason_.empty()) {
      impl_.PutIdle<Stream>(key_, std::move(*stream_));
      stream_.reset();
    }
    Finish(std::move(out));
  }

  void Fail(const std::string& why) {
    if (stream_) Close(*stream_);
    const std::string reason = abort_reason_.empty() ? why : abort_reason_;
    Finish(Unavailable("instance at " + key_ + " did not answer: " + reason));
  }

  void Finish(Result<http::Response> result) {
    if (finished_) return;
    finished_ = true;
    deadline_.cancel();
    impl_.active.erase(this);
    auto done = std::move(done_);
    done(std::move(result));
  }

  Forwarder::Impl& impl_;
  config::HttpUrl peer_;
  std::string key_;
  bool repeatable_;
  Done done_;
  tcp::resolver resolver_;
  net::steady_timer deadline_;
  std::optional<Stream> stream_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  int attempts_ = 0;
  bool reused_ = false;
  bool finished_ = false;
  std::string abort_reason_;
};

Forwarder::Forwarder(ForwarderOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {
  impl_->thread = std::thread([impl = impl_.get()] { impl->ioc.run(); });
}

Forwarder::~Forwarder() { Stop(); }

const Status& Forwarder::tls_status() const { return impl_->tls_status; }

void Forwarder::Forward(const config::HttpUrl& peer, const http::Request& request, HeaderFields headers,
                        bool repeatable, std::function<void(Result<http::Response>)> done) {
  if (!peer.tls && impl_->options.require_tls) {
    return done(Unavailable("instance at " + peer.authority() +
                            " advertises plain http:// while http.tls is set here; not forwarding in clear"));
  }
  if (peer.tls && !impl_->tls_status) return done(Unavailable(impl_->tls_status.error().message));
  std::unique_lock lock(impl_->mu);
  if (impl_->stopped) {
    lock.unlock();
    return done(Unavailable("shutting down"));
  }
  // Posted under the lock: Stop's cancellation is queued after it.
  if (peer.tls) {
    auto exchange = std::make_shared<Exchange<TlsStream>>(*impl_, peer, request, std::move(headers), repeatable,
                                                          std::move(done));
    net::post(impl_->ioc, [exchange] { exchange->Start(); });
  } else {
    auto exchange = std::make_shared<Exchange<PlainStream>>(*impl_, peer, request, std::move(headers), repeatable,
                                                            std::move(done));
    net::post(impl_->ioc, [exchange] { exchange->Start(); });
  }
}

void Forwarder::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  net::post(impl_->ioc, [impl = impl_.get()] {
    impl->stopping = true;
    for (auto* exchange : std::vector<ExchangeBase*>(impl->active.begin(), impl->active.end())) {
      exchange->Abort("shutting down");
    }
    impl->CloseIdle();
  });
  impl_->work.reset();  // run() returns once everything pending has finished
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace riskd::cluster
