// Validation of the host:port strings of http.listen and metrics.listen.
// Internal to riskd_config; the HTTP server parses them again when binding.
#pragma once

#include <string_view>

#include "scoring/result.h"

namespace riskd::config {

// `host:port`, `[v6]:port`. The host is an IPv4 address, a bracketed IPv6
// address or a DNS name (letters, digits, '-', '.'); it is required, so
// binding every interface is written out (0.0.0.0 or [::]). The port is
// 0..65535, 0 meaning any free port. Error code `listen`.
Status CheckListenAddress(std::string_view text);

}  // namespace riskd::config
