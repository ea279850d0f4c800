// Who is calling: the bearer token of a request (SPEC section 5). Tokens
// live in the config only as SHA-256 digests and are checked by
// config::Authenticate in constant time; roles and principals are
// config's. Never log or echo a token or a digest.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/tokens.h"

namespace riskd::http {

using config::Principal;
using config::Role;

// The token of the request's one `Authorization: Bearer <token>` field (the
// scheme is case-insensitive, RFC 7235). nullopt when there is none, more
// than one, another scheme, or an empty token.
std::optional<std::string_view> BearerToken(const std::vector<std::string>& authorization);

}  // namespace riskd::http
