// Parsing of the "host:port" strings of http.listen and metrics.listen.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "scoring/result.h"

namespace riskd::http {

struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1" (brackets removed), "localhost"
  std::uint16_t port = 0;
};

// "host:port" or "[v6]:port"; the host is required (binding every interface
// must be written out as 0.0.0.0 or [::]), the port is 0..65535. Error code
// "listen".
Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace riskd::http
