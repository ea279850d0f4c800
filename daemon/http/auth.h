// Who is calling: bearer tokens and roles (SPEC section 5). Tokens live in
// the config only as SHA-256 hex digests and are checked by
// config::Authenticate in constant time; this file parses the header and
// orders the roles. Never log or echo a token or a digest.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riskd::config {
struct Config;
}

namespace riskd::http {

// Ordered: each role can do everything the one before it can.
enum class Role {
  kSupport = 1,  // read risk, evaluate
  kAnalyst = 2,  // + feedback, read config
  kAdmin = 3,    // + reload config
};
std::string_view RoleName(Role role);

inline bool RoleAllows(Role have, Role need) { return static_cast<int>(have) >= static_cast<int>(need); }

struct Principal {
  std::string name;  // the token's name from the config; what audit records
  Role role = Role::kSupport;
};

// The token of the request's one `Authorization: Bearer <token>` field (the
// scheme is case-insensitive, RFC 7235). nullopt when there is none, more
// than one, another scheme, or an empty token.
std::optional<std::string_view> BearerToken(const std::vector<std::string>& authorization);

// The principal whose token is `token`, from config.auth.tokens; nullopt
// when none matches. Constant time in the token's content: every entry's
// digest is compared in full, without early exit.
std::optional<Principal> Authenticate(const config::Config& config, std::string_view token);

}  // namespace riskd::http
