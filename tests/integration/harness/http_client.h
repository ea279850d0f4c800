// A tiny blocking HTTP/1.1 client for end-to-end tests (one request per
// connection, Connection: close). Enough for status codes and JSON bodies.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace riskd::it {

struct HttpResponse {
  int status = 0;  // 0: no connection / no response
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

HttpResponse HttpRequest(int port, const std::string& method, const std::string& target, const std::string& body = "",
                         const std::vector<std::pair<std::string, std::string>>& headers = {},
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// Polls GET /readyz on `port` until it answers 200.
bool WaitReady(int port, std::chrono::seconds timeout);

// `t` (microseconds since the epoch) as RFC 3339 in UTC, for `asOf`.
std::string Rfc3339(int64_t t);

// The value of header `name` (any case), "" when absent.
std::string Header(const HttpResponse& r, std::string_view name);

// GET /v1/accounts/{account}/risk?asOf=… with a bearer token.
HttpResponse GetRisk(int port, const std::string& account, int64_t as_of, const std::string& token);

// Polls until every port answers 200 for every one of `accounts` (e.g. one
// per partition: every partition is served through every instance).
bool WaitAllServed(const std::vector<int>& ports, const std::vector<std::string>& accounts, const std::string& token,
                   std::chrono::seconds timeout);

}  // namespace riskd::it
