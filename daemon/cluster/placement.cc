#include "daemon/cluster/placement.h"

namespace riskd::cluster {
namespace {

Decision Unavailable(std::string reason) {
  Decision d;
  d.kind = Decision::Kind::kUnavailable;
  d.reason = std::move(reason);
  return d;
}

}  // namespace

Decision Decide(int32_t partition, LocalState local, bool forwarded, const Owner& owner,
                std::string_view self_id) {
  const std::string p = "partition " + std::to_string(partition);
  if (local == LocalState::kServing) return Decision{Decision::Kind::kLocal, {}, {}, {}};
  // One hop at most: the sender believed this instance serves the
  // partition; if it does not, the views disagree for now (a rebalance in
  // flight) and a second hop could loop.
  if (forwarded) {
    return Unavailable(p + " is not served by instance " + std::string(self_id) +
                       " (a forwarded request is not forwarded again)");
  }
  if (local == LocalState::kRestoring) {
    return Unavailable(p + " is being restored on this instance (" + std::string(self_id) + ")");
  }
  switch (owner.kind) {
    case Owner::Kind::kNone: return Unavailable("no live instance serves " + p + " right now");
    case Owner::Kind::kRestoring:
      return Unavailable(p + " is being restored on instance " + owner.instance_id);
    case Owner::Kind::kServing: break;
  }
  Decision d;
  d.kind = Decision::Kind::kForward;
  d.instance_id = owner.instance_id;
  d.advertised_url = owner.advertised_url;
  return d;
}

}  // namespace riskd::cluster
