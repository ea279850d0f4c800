// http::AccountRouting over the membership table and the forwarder: the
// account's partition as producers compute it (kafka.partitioner), this
// instance's own view of that partition (the pipeline's), the owner the
// membership topic names, and Decide() (placement.h) between them.
//
// Thread-safe (HTTP threads).
#pragma once

#include <string>

#include "daemon/clock/clock.h"
#include "daemon/cluster/forwarder.h"
#include "daemon/cluster/membership.h"
#include "daemon/http/routing.h"
#include "daemon/kafka/partitioner.h"
#include "daemon/log/rate_limit.h"
#include "daemon/trust/cluster_key.h"

namespace riskd::cluster {

struct AccountRouterOptions {
  std::string instance_id;
  kafka::Partitioner partitioner = kafka::Partitioner::kConsistentRandom;
  // Signs the caller identity of every forwarded request (daemon/trust).
  // Required; shared with the Api that verifies what peers send.
  std::shared_ptr<const trust::ClusterKey> cluster_key = nullptr;
  // Stamps Riskd-Forwarded-At; must outlive the router. Null: the system clock.
  const Clock* clock = nullptr;
};

class AccountRouter final : public http::AccountRouting {
 public:
  // `membership` and `forwarder` must outlive this.
  AccountRouter(AccountRouterOptions options, LocalView local, const Membership& membership, Forwarder& forwarder);

  const std::string& instance_id() const override { return options_.instance_id; }
  http::Placement Place(std::string_view account_id, bool forwarded) override;
  void Forward(const http::Request& request, const config::Principal& caller, const http::Placement& placement,
               std::function<void(http::Response)> done) override;

 private:
  AccountRouterOptions options_;
  LocalView local_;
  const Membership& membership_;
  Forwarder& forwarder_;
  // Failed forwards, with the peer's address and the cause: the 503 the
  // client gets names neither. At most 10 lines a minute per owner.
  log::RateLimitedLogger forward_log_{"cluster"};
  SystemClock system_clock_;
};

}  // namespace riskd::cluster
