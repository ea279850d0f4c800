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

#include "daemon/config/tokens.h"
#include "daemon/http/message.h"
#include "daemon/trust/request_signer.h"

namespace riskd::http {

// Request header that marks a request forwarded by another instance (its
// value: the sender's instance id), with the signed caller identity of
// daemon/trust/request_signer.h. Such a request is never forwarded again.
inline constexpr std::string_view kForwardedByHeader = trust::kForwardedByHeader;
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

  // Sends `request` (authenticated here already as `caller`) to
  // `placement` and calls `done` exactly once, on any thread, with the
  // owner's response, or with a 503 when the owner cannot be reached in
  // time. The client's Authorization never goes along: the owner gets
  // `caller`'s name and role, signed (daemon/trust/request_signer.h).
  // Never blocks the caller.
  virtual void Forward(const Request& request, const config::Principal& caller, const Placement& placement,
                       std::function<void(Response)> done) = 0;
};

}  // namespace riskd::http
