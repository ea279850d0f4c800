#include "daemon/cluster/account_router.h"

#include "daemon/cluster/placement.h"
#include "daemon/http/responses.h"
#include "daemon/trust/request_signer.h"

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

void AccountRouter::Forward(const http::Request& request, const config::Principal& caller,
                            const http::Placement& placement, std::function<void(http::Response)> done) {
  auto url = config::ParseHttpUrl(placement.url);
  if (!url) {
    return done(Unavailable("instance " + placement.instance_id + " advertises an unusable URL"));
  }
  if (!options_.cluster_key) return done(Unavailable("forwarding needs the cluster secret"));
  if (!trust::IsHeaderSafe(caller.name)) {
    return done(Unavailable("the caller's token name cannot be sent to another instance (printable ASCII only)"));
  }
  // What the owner is told instead of the client's token: who called, in
  // which role, signed for that owner with this request's method, target
  // and body (daemon/trust/request_signer.h).
  const Clock& clock = options_.clock ? *options_.clock : system_clock_;
  trust::ForwardedRequest identity{options_.instance_id,
                                   placement.instance_id,
                                   caller.name,
                                   std::string(config::RoleName(caller.role)),
                                   std::to_string(clock.NowMicros()),
                                   request.method == "HEAD" ? std::string_view("GET") : request.method,
                                   request.target,
                                   request.body};
  HeaderFields headers = {
      {std::string(trust::kForwardedByHeader), identity.from_instance},
      {std::string(trust::kCallerHeader), identity.caller},
      {std::string(trust::kCallerRoleHeader), identity.role},
      {std::string(trust::kForwardedAtHeader), identity.at},
      {std::string(trust::kRequestSignatureHeader), trust::SignForwarded(*options_.cluster_key, identity)},
  };
  // The forwarder's error names the peer's host and port and the socket
  // error: that goes to the log, never into the answer. A client (or
  // whoever reads its logs) learns the owner's instance id, which every
  // answer carries anyway, and not the cluster's internal addresses.
  forwarder_.Forward(*url, request, std::move(headers), Repeatable(request),
                     [this, done = std::move(done), owner = placement.instance_id](Result<http::Response> answer) {
                       if (answer) return done(std::move(*answer));
                       forward_log_.Warn(owner, "forward failed",
                                         {{"owner", owner}, {"error", answer.error().message}});
                       done(Unavailable("the instance serving this account (" + owner +
                                        ") did not answer; retry later"));
                     });
}

}  // namespace riskd::cluster
