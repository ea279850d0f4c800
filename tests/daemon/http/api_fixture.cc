#include "tests/daemon/http/api_fixture.h"

#include "daemon/codec/json.h"
#include "daemon/config/config.h"
#include "daemon/http/timestamps.h"
#include "riskd/v1/account_event.pb.h"
#include "scoring/engine.h"
#include "scoring/event.h"

namespace riskd::http::testing {

scoring::EpochMicros TestNow() { return *ParseRfc3339("2026-11-28T12:00:00Z"); }

std::shared_ptr<const RunningConfig> MakeRunningConfig(const scoring::ScoringConfig& scoring) {
  auto config = std::make_shared<config::Config>();
  config->scoring = scoring;
  config->auth.tokens = {
      {std::string(kSupportName), config::Role::kSupport, Sha256Hex(kSupportToken)},
      {std::string(kAnalystName), config::Role::kAnalyst, Sha256Hex(kAnalystToken)},
      {std::string(kAdminName), config::Role::kAdmin, Sha256Hex(kAdminToken)},
  };
  auto running = std::make_shared<RunningConfig>();
  running->engine = std::make_shared<scoring::Engine>(std::make_shared<scoring::ScoringConfig>(scoring));
  running->version = config::ConfigVersion(*config);
  running->config = std::move(config);
  return running;
}

scoring::Event EventFromJson(std::string_view json) {
  codec::JsonReadOptions options;
  options.reject_unknown_fields = false;
  auto proto = codec::FromJson<v1::AccountEvent>(json, options);
  EXPECT_TRUE(proto.ok()) << (proto.ok() ? "" : proto.error().message) << "\n" << json;
  if (!proto.ok()) return {};
  auto event = scoring::EventFromProto(*proto);
  EXPECT_TRUE(event.ok()) << (event.ok() ? "" : event.error().message);
  return event.ok() ? *event : scoring::Event{};
}

void ApiTest::SetUp() {
  backend_ = std::make_unique<MemoryBackend>(TestNow(), MakeRunningConfig(), &metrics_);
  StartServer();
}

void ApiTest::TearDown() {
  server_.reset();
  api_.reset();
}

void ApiTest::StartServer(ServerOptions server_options, ApiOptions api_options) {
  server_.reset();
  api_ = std::make_unique<Api>(*backend_, metrics_, api_options);
  server_options.listen = "127.0.0.1:0";
  server_options.threads = 2;
  auto server = Server::Start(server_options, *api_);
  ASSERT_TRUE(server.ok()) << server.error().message;
  server_ = std::move(*server);
}

Reply ApiTest::Get(std::string_view target, std::string_view token) { return Call(port(), "GET", target, token); }

Reply ApiTest::Post(std::string_view target, std::string_view body, std::string_view token) {
  return Call(port(), "POST", target, token, body);
}

void ApiTest::Feed(const std::string& account_id, std::string_view event_json) {
  backend_->ApplyEvent(account_id, EventFromJson(event_json));
}

}  // namespace riskd::http::testing
