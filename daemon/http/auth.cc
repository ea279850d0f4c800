#include "daemon/http/auth.h"

#include <cctype>

namespace riskd::http {

std::optional<std::string_view> BearerToken(const std::vector<std::string>& authorization) {
  if (authorization.size() != 1) return std::nullopt;
  std::string_view value = authorization.front();
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return std::nullopt;
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty() || value.find(' ') != std::string_view::npos) return std::nullopt;
  return value;
}

}  // namespace riskd::http
