#include "daemon/trust/request_signer.h"

#include <charconv>

namespace riskd::trust {
namespace {

constexpr std::string_view kDomain = "riskd-forward-v1";

std::string Message(const ForwardedRequest& r) {
  Canonical c;
  c.Add(kDomain).Add(r.from_instance).Add(r.to_instance).Add(r.caller).Add(r.role).Add(r.at);
  c.Add(r.method).Add(r.target).Add(r.body);
  return c.bytes();
}

}  // namespace

std::string SignForwarded(const ClusterKey& key, const ForwardedRequest& request) {
  return key.MacHex(Message(request));
}

Status VerifyForwarded(const ClusterKey& key, const ForwardedRequest& request, std::string_view signature,
                       int64_t now_micros) {
  if (request.from_instance.empty() || request.caller.empty() || request.role.empty() || request.at.empty() ||
      signature.empty()) {
    return Error{"unauthenticated", "a forwarded request needs every Riskd-* forwarding header"};
  }
  if (!key.Verify(Message(request), signature)) {
    return Error{"unauthenticated", "the forwarded request's signature does not verify"};
  }
  int64_t at = 0;
  const auto [end, ec] = std::from_chars(request.at.data(), request.at.data() + request.at.size(), at);
  if (ec != std::errc() || end != request.at.data() + request.at.size()) {
    return Error{"unauthenticated", "Riskd-Forwarded-At is not a number"};
  }
  const int64_t age = now_micros - at;
  if (age > kForwardFreshnessMicros || age < -kForwardFreshnessMicros) {
    return Error{"unauthenticated", "the forwarded request is too old or from the future (clock skew?)"};
  }
  return OkStatus();
}

bool IsHeaderSafe(std::string_view text) {
  if (text.empty() || text.front() == ' ' || text.back() == ' ') return false;
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace riskd::trust
