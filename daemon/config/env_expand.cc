#include "daemon/config/env_expand.h"

#include <cstdlib>

namespace riskd::config {
namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

}  // namespace

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<std::string> ExpandEnv(std::string_view text, const EnvLookup& lookup) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '{') {
      return Error{"invalid_config", "a '$' must start ${NAME} (write $$ for a literal $)"};
    }
    const size_t close = text.find('}', i + 2);
    if (close == std::string_view::npos) return Error{"invalid_config", "unclosed ${"};
    const std::string_view name = text.substr(i + 2, close - i - 2);
    bool valid = !name.empty() && IsNameStart(name.front());
    for (char c : name) valid = valid && IsNameChar(c);
    if (!valid) {
      return Error{"invalid_config", "${" + std::string(name.substr(0, 64)) +
                                         "}: not a variable name ([A-Za-z_][A-Za-z0-9_]*)"};
    }
    auto value = lookup(name);
    if (!value) return Error{"invalid_config", "environment variable " + std::string(name) + " is not set"};
    out += *value;
    i = close;
  }
  return out;
}

Status CheckEnvSyntax(std::string_view text) {
  auto expanded = ExpandEnv(text, [](std::string_view) { return std::optional<std::string>("x"); });
  if (!expanded) return expanded.error();
  return OkStatus();
}

}  // namespace riskd::config
