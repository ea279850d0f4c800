// Scale-out seen from the API: which instance answers an account, and the
// forwarding of a request to it. daemon/cluster implements this (membership
// topic + Beast client); the API's tests implement it in memory. Without an
// AccountRouting the API answers every account itself (one instance).
//
// Thread-safety: every method may be called from any HTTP thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "daemon/http/message.h"

namespace riskd::http {

// Request header that marks a request forwarded by another instance (its
// value: the sender's instance id). Such a request is never forwarded again.
inline constexpr std::string_view kForwardedByHeader = "Riskd-Forwarded-By";
// Response header on every answer: the instance that answered.
inline constexpr std::string_view kInstanceHeader = "Riskd-Instance";
// Response header on a forwarded answer: the instance that forwarded it.
inline constexpr std::string_view kViaHeader = "Riskd-Via";

struct Placement {
  enum class Kind {
    kLocal,        // this instance serves the account's partition
    kForward,      // `instance_id` at `url` does
    kUnavailable,  // nobody can answer now: 503 with `reason`
  };
  Kind kind = Kind::kLocal;
  std::string instance_id;
  std::string url;
  std::string reason;
};

class AccountRouting {
 public:
  virtual ~AccountRouting() = default;

  // This instance's id (the Riskd-Instance header).
  virtual const std::string& instance_id() const = 0;

  // Where `account_id` is answered. `forwarded`: the request carries
  // kForwardedByHeader, so it may only be answered here.
  virtual Placement Place(std::string_view account_id, bool forwarded) = 0;

  // Sends `request` (authenticated here already; its Authorization goes
  // along) to `placement` and calls `done` exactly once, on any thread,
  // with the owner's response, or with a 503 when the owner cannot be
  // reached in time. Never blocks the caller.
  virtual void Forward(const Request& request, const Placement& placement, std::function<void(Response)> done) = 0;
};

}  // namespace riskd::http
