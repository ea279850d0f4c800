#include "daemon/config/listen_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <string>

namespace riskd::config {
namespace {

bool IsHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return host.front() != '-' && host.front() != '.';
}

bool LooksNumeric(std::string_view host) {
  for (char c : host) {
    if (!((c >= '0' && c <= '9') || c == '.')) return false;
  }
  return true;
}

}  // namespace

Status CheckListenAddress(std::string_view text) {
  const Error bad{"listen", "must be host:port or [ipv6]:port with a port 0..65535"};
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return bad;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    in6_addr v6;
    if (inet_pton(AF_INET6, std::string(host).c_str(), &v6) != 1) {
      return Error{"listen", "is not an IPv6 address inside [ ]"};
    }
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return bad;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return Error{"listen", "an IPv6 address must be written in [ ], e.g. [::1]:8080"};
    }
    if (LooksNumeric(host)) {
      in_addr v4;
      if (inet_pton(AF_INET, std::string(host).c_str(), &v4) != 1) {
        return Error{"listen", "is not a valid IPv4 address"};
      }
    } else if (!IsHostName(host)) {
      return Error{"listen", "needs a host (0.0.0.0 for every interface) before :port"};
    }
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return bad;
  }
  return OkStatus();
}

}  // namespace riskd::config
