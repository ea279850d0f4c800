#include "daemon/config/http_url.h"

#include <charconv>

namespace riskd::config {
namespace {

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

Error Bad(std::string message) { return Error{"invalid_config", std::move(message)}; }

}  // namespace

std::string HttpUrl::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HttpUrl> ParseHttpUrl(std::string_view text) {
  HttpUrl url;
  url.tls = text.starts_with("https://");
  if (!url.tls && !text.starts_with("http://")) return Bad("must start with http:// or https://");
  std::string_view rest = text.substr(url.tls ? 8 : 7);
  if (rest.ends_with('/')) rest.remove_suffix(1);
  std::string_view port;
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return Bad("unclosed [ in the host");
    url.host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return Bad("must be http://host:port with nothing after the port");
    port = rest.empty() ? std::string_view() : rest.substr(1);
  } else {
    const size_t colon = rest.find(':');
    url.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) port = rest.substr(colon + 1);
    for (char c : url.host) {
      if (!IsHostChar(c)) return Bad("must be http://host:port with nothing after the port");
    }
  }
  if (url.host.empty()) return Bad("needs a host: http://host:port");
  if (port.empty()) return Bad("needs a port: http://host:port");
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return Bad("port must be 1..65535, with nothing after it");
  }
  url.port = static_cast<uint16_t>(value);
  return url;
}

}  // namespace riskd::config
