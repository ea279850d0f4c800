// Bearer tokens of the HTTP API (SPEC section 5): the config holds only
// their SHA-256 digests, each with a name (what audit records) and a role.
// Authenticate() is the one place a presented token is checked.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riskd::config {

// Ordered: each role can do everything the one before it can.
enum class Role {
  kSupport = 1,  // read risk, evaluate
  kAnalyst = 2,  // + feedback, read config
  kAdmin = 3,    // + reload config
};

std::string_view RoleName(Role role);  // "support", "analyst", "admin"
std::optional<Role> RoleFromName(std::string_view name);
inline bool RoleAtLeast(Role have, Role need) {
  return static_cast<int>(have) >= static_cast<int>(need);
}

// One auth.tokens entry.
struct Token {
  std::string name;    // unique; never secret
  Role role = Role::kSupport;
  std::string sha256;  // 64 lowercase hex digits: SHA-256 of the token
};
using TokenTable = std::vector<Token>;

struct Principal {
  std::string name;
  Role role = Role::kSupport;
};

// The principal whose digest matches SHA-256(`bearer_token`); nullopt when
// none does or the token is empty. Every entry is compared in full with
// CRYPTO_memcmp and the loop never exits early, so the time taken does not
// depend on which entry (if any) matched nor on how much of a digest did.
std::optional<Principal> Authenticate(const TokenTable& tokens, std::string_view bearer_token);

// Lowercase hex SHA-256 of `text`: how an operator computes the digest
// (`printf %s "$token" | sha256sum`), and what tests use.
std::string Sha256Hex(std::string_view text);

}  // namespace riskd::config
