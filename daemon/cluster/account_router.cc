#include "daemon/cluster/account_router.h"

#include "daemon/cluster/placement.h"
#include "daemon/http/responses.h"

namespace riskd::cluster {
namespace {

// The 503 a client may retry (here or elsewhere) after a second.
http::Response Unavailable(std::string_view message) {
  http::Response response = http::ErrorResponse(503, "UNAVAILABLE", message);
  response.headers.emplace_back("Retry-After", "1");
  return response;
}

// Repeating it cannot change state twice: reads, and evaluate (which only
// audits). A feedback label is not repeated.
bool Repeatable(const http::Request& request) {
  if (request.method == "GET" || request.method == "HEAD") return true;
  const std::string_view target = request.target;
  const std::string_view path = target.substr(0, target.find('?'));
  return path.ends_with("/evaluate");
}

}  // namespace

AccountRouter::AccountRouter(AccountRouterOptions options, LocalView local, const Membership& membership,
                             Forwarder& forwarder)
    : options_(std::move(options)), local_(std::move(local)), membership_(membership), forwarder_(forwarder) {}

http::Placement AccountRouter::Place(std::string_view account_id, bool forwarded) {
  const std::vector<LocalState> view = local_();
  http::Placement out;
  if (view.empty()) {
    out.kind = http::Placement::Kind::kUnavailable;
    out.reason = "not consuming yet";
    return out;
  }
  const int32_t partition =
      kafka::PartitionForKey(options_.partitioner, account_id, static_cast<int32_t>(view.size()));
  const LocalState local = view[partition];
  // The table is only asked when this instance does not serve it.
  const Owner owner = local == LocalState::kServing || forwarded ? Owner{} : membership_.OwnerOf(partition);
  const Decision d = Decide(partition, local, forwarded, owner, options_.instance_id);
  switch (d.kind) {
    case Decision::Kind::kLocal: out.kind = http::Placement::Kind::kLocal; break;
    case Decision::Kind::kForward:
      out.kind = http::Placement::Kind::kForward;
      out.instance_id = d.instance_id;
      out.url = d.advertised_url;
      break;
    case Decision::Kind::kUnavailable:
      out.kind = http::Placement::Kind::kUnavailable;
      out.reason = d.reason;
      break;
  }
  return out;
}

void AccountRouter::Forward(const http::Request& request, const http::Placement& placement,
                            std::function<void(http::Response)> done) {
  auto url = config::ParseHttpUrl(placement.url);
  if (!url) {
    return done(Unavailable("instance " + placement.instance_id + " advertises an unusable URL"));
  }
  // The forwarder's error names the peer's host and port and the socket
  // error: that goes to the log, never into the answer. A client (or
  // whoever reads its logs) learns the owner's instance id, which every
  // answer carries anyway, and not the cluster's internal addresses.
  forwarder_.Forward(*url, request, Repeatable(request),
                     [this, done = std::move(done), owner = placement.instance_id](Result<http::Response> answer) {
                       if (answer) return done(std::move(*answer));
                       forward_log_.Warn(owner, "forward failed",
                                         {{"owner", owner}, {"error", answer.error().message}});
                       done(Unavailable("the instance serving this account (" + owner +
                                        ") did not answer; retry later"));
                     });
}

}  // namespace riskd::cluster
