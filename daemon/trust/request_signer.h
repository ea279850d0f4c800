// The identity one instance vouches for when it forwards a request to the
// account's owner (daemon/cluster/README.md, "Forwarding"). A peer never
// receives the client's bearer token: it receives the caller's name and role
// as the forwarding instance authenticated them, in headers, signed under
// the cluster secret together with the request itself:
//
//   Riskd-Forwarded-By:  the forwarding instance's id
//   Riskd-Caller:        the caller's token name (what audit records)
//   Riskd-Caller-Role:   support | analyst | admin
//   Riskd-Forwarded-At:  when it was sent (microseconds since the epoch)
//   Riskd-Signature:     lowercase hex HMAC-SHA256 of the canonical encoding
//                        of "riskd-forward-v1", the five fields above but the
//                        signature, the receiving instance's id, the method,
//                        the target and the body
//
// The receiver checks the signature against its own id (a request signed
// for one instance is worthless at another) and that the time lies within
// kForwardFreshness of its clock (a captured request can be replayed for
// that long at most, to that instance only; with http.tls nobody can
// capture one).
//
// Thread-safe (pure functions of their arguments).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/trust/cluster_key.h"
#include "scoring/result.h"

namespace riskd::trust {

inline constexpr std::string_view kForwardedByHeader = "Riskd-Forwarded-By";
inline constexpr std::string_view kCallerHeader = "Riskd-Caller";
inline constexpr std::string_view kCallerRoleHeader = "Riskd-Caller-Role";
inline constexpr std::string_view kForwardedAtHeader = "Riskd-Forwarded-At";
inline constexpr std::string_view kRequestSignatureHeader = "Riskd-Signature";

// How far a forwarded request's time may lie from the receiver's clock,
// either way: the forward timeout is 2 s by default, and instances' clocks
// are assumed to agree to well within the membership TTL (6 s).
inline constexpr int64_t kForwardFreshnessMicros = 10'000'000;

struct ForwardedRequest {
  std::string from_instance;  // Riskd-Forwarded-By
  std::string to_instance;    // the owner's id (not sent: the receiver uses its own)
  std::string caller;         // Riskd-Caller
  std::string role;           // Riskd-Caller-Role
  std::string at;             // Riskd-Forwarded-At, decimal microseconds
  std::string_view method;
  std::string_view target;
  std::string_view body;
};

// The Riskd-Signature of `request`.
std::string SignForwarded(const ClusterKey& key, const ForwardedRequest& request);

// OkStatus when `signature` is SignForwarded(request) and its time lies
// within kForwardFreshnessMicros of `now`; else error "unauthenticated"
// saying which (never echoing a header's value).
Status VerifyForwarded(const ClusterKey& key, const ForwardedRequest& request, std::string_view signature,
                       int64_t now_micros);

// Whether `text` may travel as a header value as it is (printable ASCII,
// no leading or trailing space): caller names are the operator's token
// names; one that is not is not forwarded.
bool IsHeaderSafe(std::string_view text);

}  // namespace riskd::trust
