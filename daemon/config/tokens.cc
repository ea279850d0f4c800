#include "daemon/config/tokens.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace riskd::config {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kSupport: return "support";
    case Role::kAnalyst: return "analyst";
    case Role::kAdmin: return "admin";
  }
  return "";
}

std::optional<Role> RoleFromName(std::string_view name) {
  for (Role r : {Role::kSupport, Role::kAnalyst, Role::kAdmin}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

std::string Sha256Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

std::optional<Principal> Authenticate(const TokenTable& tokens, std::string_view bearer_token) {
  if (bearer_token.empty()) return std::nullopt;
  const std::string presented = Sha256Hex(bearer_token);
  const Token* match = nullptr;
  for (const Token& token : tokens) {
    // A malformed stored digest (the loader refuses those) matches nothing;
    // the branch depends on the config, not on the presented token.
    if (token.sha256.size() != presented.size()) continue;
    const bool equal = CRYPTO_memcmp(token.sha256.data(), presented.data(), presented.size()) == 0;
    // No early exit: a later entry costs the same whether or not one matched.
    match = equal ? &token : match;
  }
  if (match == nullptr) return std::nullopt;
  return Principal{match->name, match->role};
}

}  // namespace riskd::config
