// Pieces of a request target (RFC 9112 origin-form): path segments,
// percent-decoding, the query string. Pure functions, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scoring/result.h"

namespace riskd::http {

struct SplitTarget {
  std::string_view path;   // "/v1/accounts/a%2Fb/risk"
  std::string_view query;  // "asOf=…" (without '?'), empty when absent
};
SplitTarget SplitPathAndQuery(std::string_view target);

// The raw '/'-separated segments of `path` after its leading '/'. So
// "/v1/config:reload" gives {"v1", "config:reload"} and "/a//b/" gives
// {"a", "", "b", ""}; the segments are still percent-encoded.
std::vector<std::string_view> PathSegments(std::string_view path);

// RFC 3986 percent-decoding. '+' stays '+' (form encoding is for HTML
// forms, and "+01:00" in an asOf must survive unencoded). nullopt for a
// '%' not followed by two hex digits.
std::optional<std::string> PercentDecode(std::string_view text);

// True when `text` is well-formed UTF-8 (JSON strings must be).
bool IsValidUtf8(std::string_view text);

// "a=1&b=2" as decoded (name, value) pairs in order; a name without '='
// has an empty value. Error code "invalid_argument" on a bad escape.
Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);

// A path's {accountId} (still encoded) as SPEC section 2 wants it:
// percent-decoded, 1..128 bytes, UTF-8. Error code "invalid_argument",
// message naming `accountId`.
Result<std::string> DecodeAccountId(std::string_view segment);

inline constexpr std::size_t kMaxAccountIdBytes = 128;

}  // namespace riskd::http
