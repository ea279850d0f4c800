// GET /v1/config and POST /v1/config:reload.
#include <google/protobuf/struct.pb.h>
#include <gtest/gtest.h>

#include "daemon/codec/json.h"
#include "riskd/v1/risk.pb.h"
#include "tests/daemon/http/api_fixture.h"

namespace riskd::http::testing {
namespace {

class ConfigRoutesTest : public ApiTest {};

google::protobuf::Struct ParseStruct(const Reply& reply) {
  auto parsed = codec::FromJson<google::protobuf::Struct>(reply.body);
  EXPECT_TRUE(parsed.ok()) << reply.body;
  return parsed.ok() ? *parsed : google::protobuf::Struct{};
}

TEST_F(ConfigRoutesTest, ServesTheEffectiveConfigWithDigestsRedacted) {
  auto reply = Get("/v1/config", kAnalystToken);
  ASSERT_EQ(reply.status, 200);
  auto body = ParseStruct(reply);
  EXPECT_EQ(body.fields().at("configVersion").string_value(), backend_->CurrentConfig()->version);
  const auto& config = body.fields().at("config").struct_value();
  // Effective: defaults are there although the test config never set them.
  EXPECT_EQ(config.fields().at("http").struct_value().fields().at("listen").string_value(), "127.0.0.1:8080");
  EXPECT_TRUE(config.fields().count("scoring"));
  EXPECT_NE(reply.body.find(kAnalystName), std::string::npos);  // names are not secret
  for (auto token : {kSupportToken, kAnalystToken, kAdminToken}) {
    EXPECT_EQ(reply.body.find(Sha256Hex(token)), std::string::npos);
    EXPECT_EQ(reply.body.find(token), std::string::npos);
  }
  EXPECT_NE(reply.body.find("<redacted>"), std::string::npos);
}

TEST_F(ConfigRoutesTest, AValidReloadIsSwappedInAndAudited) {
  const std::string old_version = backend_->CurrentConfig()->version;
  scoring::ScoringConfig tuned;
  tuned.thresholds.medium = 20;
  auto next = MakeRunningConfig(tuned);
  ASSERT_NE(next->version, old_version);
  backend_->SetReload([&] {
    backend_->SetConfig(next);
    return ReloadOutcome{true, next->version, {}, {}};
  });
  auto reply = Post("/v1/config:reload", "", kAdminToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto body = ParseStruct(reply);
  EXPECT_EQ(body.fields().at("configVersion").string_value(), next->version);
  EXPECT_EQ(body.fields().at("previousConfigVersion").string_value(), old_version);
  // What follows is answered and stamped by the new config.
  auto risk = codec::FromJson<v1::RiskResponse>(Get("/v1/accounts/a/risk", kSupportToken).body);
  ASSERT_TRUE(risk.ok());
  EXPECT_EQ(risk->config_version(), next->version);

  auto audits = backend_->audits();
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0].who, kAdminName);
  EXPECT_EQ(audits[0].what, "config_reload");
  EXPECT_EQ(audits[0].outcome, "ok");
  EXPECT_EQ(audits[0].config_version, next->version);
  EXPECT_EQ(audits[0].account_id, "");
}

TEST_F(ConfigRoutesTest, AnInvalidReloadIs422NamingEveryProblemAndChangesNothing) {
  const std::string version = backend_->CurrentConfig()->version;
  backend_->SetReload([&] {
    return ReloadOutcome{false, version,
                         {"scoring.thresholds.high: must be above scoring.thresholds.medium",
                          "http.listen: bad listen address \"nowhere\": expected host:port"},
                         {}};
  });
  auto reply = Post("/v1/config:reload", "", kAdminToken);
  ASSERT_EQ(reply.status, 422) << reply.body;
  auto body = ParseStruct(reply);
  const auto& error = body.fields().at("error").struct_value().fields();
  EXPECT_EQ(error.at("code").string_value(), "INVALID_CONFIG");
  const std::string message = error.at("message").string_value();
  EXPECT_NE(message.find("scoring.thresholds.high"), std::string::npos);
  EXPECT_NE(message.find("http.listen"), std::string::npos);
  EXPECT_EQ(error.at("problems").list_value().values_size(), 2);
  EXPECT_EQ(body.fields().at("configVersion").string_value(), version);
  // The error shape holds for generic clients too.
  auto as_error = codec::FromJson<v1::ErrorResponse>(reply.body, {.reject_unknown_fields = false});
  ASSERT_TRUE(as_error.ok());
  EXPECT_EQ(as_error->error().code(), "INVALID_CONFIG");

  auto audits = backend_->audits();
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0].outcome, "refused");
  EXPECT_NE(audits[0].detail_json.find("scoring.thresholds.high"), std::string::npos);
}

}  // namespace
}  // namespace riskd::http::testing
