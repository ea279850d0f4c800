// The API under test: a real Server on an ephemeral loopback port serving a
// real Api over a MemoryBackend with a fixed clock, three tokens (one per
// role), and helpers to feed SPEC-shaped JSON events through the scoring
// Engine.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/config/tokens.h"
#include "daemon/http/api.h"
#include "daemon/http/backend.h"
#include "daemon/http/server.h"
#include "daemon/metrics/metrics.h"
#include "scoring/config.h"
#include "tests/daemon/http/memory_backend.h"
#include "tests/daemon/http/test_client.h"

namespace riskd::http::testing {

// The tokens of the test config and the names they carry.
inline constexpr std::string_view kSupportToken = "support-secret-token-1";
inline constexpr std::string_view kAnalystToken = "analyst-secret-token-2";
inline constexpr std::string_view kAdminToken = "admin-secret-token-3";
inline constexpr std::string_view kSupportName = "support-console";
inline constexpr std::string_view kAnalystName = "fraud-analyst";
inline constexpr std::string_view kAdminName = "ops-admin";

// 2026-11-28T12:00:00Z, the fixed "now" of every API test.
scoring::EpochMicros TestNow();

// Lower-case hex SHA-256 of `text`, as auth.tokens stores it.
using config::Sha256Hex;

// A RunningConfig with the three tokens and `scoring` (SPEC defaults unless
// changed).
std::shared_ptr<const RunningConfig> MakeRunningConfig(const scoring::ScoringConfig& scoring = {});

// Parses a SPEC section 2 JSON event and converts it for scoring; fails the
// test if it does not parse.
scoring::Event EventFromJson(std::string_view json);

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Starts (or restarts) the server with `options` (surface, TLS, …).
  void StartServer(ServerOptions server_options = {}, ApiOptions api_options = {});

  std::uint16_t port() const { return server_->port(); }
  Reply Get(std::string_view target, std::string_view token = "");
  Reply Post(std::string_view target, std::string_view body, std::string_view token = "");
  // Applies a JSON event to `account_id` as the pipeline would.
  void Feed(const std::string& account_id, std::string_view event_json);

  metrics::Metrics metrics_{"test"};
  std::unique_ptr<MemoryBackend> backend_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Server> server_;
};

}  // namespace riskd::http::testing
