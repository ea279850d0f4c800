// The shape of http.advertised_url: `http://host:port` or
// `https://host:port` (a trailing `/` is allowed; nothing else after the
// port). Used by the config checks and by daemon/cluster to reach a peer:
// https when the peer serves http.tls (see daemon/cluster/README.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "scoring/result.h"

namespace riskd::config {

struct HttpUrl {
  std::string host;  // a DNS name, an IPv4 address, or an IPv6 address without [ ]
  uint16_t port = 80;
  bool tls = false;  // https://
  // "host:port" / "[v6]:port", for the Host header and logs.
  std::string authority() const;
};

// Error code "invalid_config" with a message saying what is wrong.
Result<HttpUrl> ParseHttpUrl(std::string_view text);

}  // namespace riskd::config
