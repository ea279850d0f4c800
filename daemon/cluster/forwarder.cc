#include "daemon/cluster/forwarder.h"

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "daemon/http/routing.h"

namespace riskd::cluster {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using beast::error_code;
using SteadyClock = std::chrono::steady_clock;

namespace {

// Response fields that mean something to the client and come back as the
// owner sent them; hop-by-hop and framing fields do not.
constexpr std::string_view kPassedThrough[] = {"Retry-After", "WWW-Authenticate", "Allow", "Cache-Control",
                                               http::kInstanceHeader};

Error Unavailable(std::string message) { return Error{"unavailable", std::move(message)}; }

}  // namespace

struct Forwarder::Impl {
  explicit Impl(ForwarderOptions o) : options(std::move(o)), work(ioc.get_executor()) {}

  struct Idle {
    beast::tcp_stream stream;
    SteadyClock::time_point since;
  };

  // I/O thread only.
  std::optional<beast::tcp_stream> TakeIdle(const std::string& peer) {
    auto it = idle.find(peer);
    if (it == idle.end()) return std::nullopt;
    auto& pool = it->second;
    while (!pool.empty()) {
      Idle entry = std::move(pool.back());
      pool.pop_back();
      if (SteadyClock::now() - entry.since < options.max_idle_age && entry.stream.socket().is_open()) {
        return std::move(entry.stream);
      }
      error_code ignored;
      entry.stream.socket().close(ignored);
    }
    return std::nullopt;
  }

  void PutIdle(const std::string& peer, beast::tcp_stream stream) {
    auto& pool = idle[peer];
    if (stopping || pool.size() >= options.max_idle_per_peer) {
      error_code ignored;
      stream.socket().close(ignored);
      return;
    }
    pool.push_back(Idle{std::move(stream), SteadyClock::now()});
  }

  ForwarderOptions options;
  net::io_context ioc{1};
  net::executor_work_guard<net::io_context::executor_type> work;
  std::thread thread;
  std::mutex mu;
  bool stopped = false;  // guarded by mu: Forward refuses from now on

  // I/O thread only.
  bool stopping = false;
  std::map<std::string, std::vector<Idle>> idle;
  std::set<class Exchange*> active;
};

// One forwarded request: (reuse or resolve + connect), write, read, and at
// most one repeat on a fresh connection. Lives on the I/O thread.
class Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  using Done = std::function<void(Result<http::Response>)>;

  Exchange(Forwarder::Impl& impl, const config::HttpUrl& peer, const http::Request& request, bool repeatable,
           Done done)
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
    for (const auto& value : request.authorization) request_.insert(bhttp::field::authorization, value);
    request_.set(beast::string_view(http::kForwardedByHeader.data(), http::kForwardedByHeader.size()),
                 impl.options.self_instance_id);
    if (!request.body.empty()) request_.set(bhttp::field::content_type, "application/json");
    request_.body() = request.body;
    request_.keep_alive(true);
    request_.prepare_payload();
  }

  void Start() {
    if (impl_.stopping) return Finish(Unavailable("shutting down"));
    impl_.active.insert(this);
    deadline_.expires_after(impl_.options.timeout);
    deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->Abort("no answer within " + std::to_string(self->impl_.options.timeout.count()) + " ms");
    });
    Attempt(/*allow_idle=*/true);
  }

  // Timeout or shutdown: cancel whatever is pending; its handler finishes.
  void Abort(std::string why) {
    if (finished_ || !abort_reason_.empty()) return;
    abort_reason_ = std::move(why);
    resolver_.cancel();
    if (stream_) {
      error_code ignored;
      stream_->socket().close(ignored);
    }
  }

 private:
  void Attempt(bool allow_idle) {
    ++attempts_;
    parser_.emplace();
    parser_->body_limit(impl_.options.max_response_bytes);
    buffer_.consume(buffer_.size());
    if (allow_idle) {
      if (auto idle = impl_.TakeIdle(key_)) {
        stream_.emplace(std::move(*idle));
        reused_ = true;
        return Write();
      }
    }
    reused_ = false;
    stream_.emplace(impl_.ioc);
    resolver_.async_resolve(peer_.host, std::to_string(peer_.port),
                            [self = shared_from_this()](const error_code& ec, tcp::resolver::results_type results) {
                              if (ec) return self->Fail("cannot resolve " + self->peer_.host + ": " + ec.message());
                              if (!self->abort_reason_.empty()) return self->Fail("");
                              self->stream_->async_connect(
                                  results, [self](const error_code& ec, const tcp::endpoint&) {
                                    if (ec) return self->Fail("cannot connect: " + ec.message());
                                    error_code ignored;
                                    self->stream_->socket().set_option(tcp::no_delay(true), ignored);
                                    self->Write();
                                  });
                            });
  }

  void Write() {
    bhttp::async_write(*stream_, request_, [self = shared_from_this()](const error_code& ec, std::size_t) {
      if (ec) return self->RepeatOrFail("connection lost while sending: " + ec.message());
      self->Read();
    });
  }

  void Read() {
    bhttp::async_read(*stream_, buffer_, *parser_, [self = shared_from_this()](const error_code& ec, std::size_t) {
      if (ec) return self->RepeatOrFail("connection lost while reading the answer: " + ec.message());
      self->Complete();
    });
  }

  // A kept-alive connection the peer closed while idle fails before any
  // byte of the answer arrives; the request most likely never ran.
  void RepeatOrFail(const std::string& why) {
    const bool nothing_back = !parser_->got_some();
    if (reused_ && nothing_back && repeatable_ && attempts_ == 1 && abort_reason_.empty() && !impl_.stopping) {
      error_code ignored;
      stream_->socket().close(ignored);
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
      impl_.PutIdle(key_, std::move(*stream_));
      stream_.reset();
    }
    Finish(std::move(out));
  }

  void Fail(const std::string& why) {
    if (stream_) {
      error_code ignored;
      stream_->socket().close(ignored);
    }
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
  std::optional<beast::tcp_stream> stream_;
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

void Forwarder::Forward(const config::HttpUrl& peer, const http::Request& request, bool repeatable,
                        std::function<void(Result<http::Response>)> done) {
  std::unique_lock lock(impl_->mu);
  if (impl_->stopped) {
    lock.unlock();
    return done(Unavailable("shutting down"));
  }
  auto exchange = std::make_shared<Exchange>(*impl_, peer, request, repeatable, std::move(done));
  // Posted under the lock: Stop's cancellation is queued after it.
  net::post(impl_->ioc, [exchange] { exchange->Start(); });
}

void Forwarder::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  net::post(impl_->ioc, [impl = impl_.get()] {
    impl->stopping = true;
    for (auto* exchange : std::vector<Exchange*>(impl->active.begin(), impl->active.end())) {
      exchange->Abort("shutting down");
    }
    for (auto& [peer, pool] : impl->idle) {
      for (auto& entry : pool) {
        error_code ignored;
        entry.stream.socket().close(ignored);
      }
    }
    impl->idle.clear();
  });
  impl_->work.reset();  // run() returns once everything pending has finished
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace riskd::cluster
