// The API of SPEC section 5 over HTTP, against the in-memory backend: every
// route, every error code, every role boundary, the incident of SPEC
// section 1, feedback read-your-writes, config read and reload.
#include <google/protobuf/struct.pb.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "daemon/codec/json.h"
#include "daemon/http/timestamps.h"
#include "riskd/v1/risk.pb.h"
#include "tests/daemon/http/api_fixture.h"

namespace riskd::http::testing {
namespace {

template <typename T>
T Parse(const Reply& reply) {
  auto parsed = codec::FromJson<T>(reply.body);
  EXPECT_TRUE(parsed.ok()) << reply.body;
  return parsed.ok() ? *parsed : T{};
}

// The error shape, and its code.
std::string ErrorCode(const Reply& reply) { return Parse<v1::ErrorResponse>(reply).error().code(); }
std::string ErrorMessage(const Reply& reply) { return Parse<v1::ErrorResponse>(reply).error().message(); }

class ApiRoutesTest : public ApiTest {
 protected:
  // SPEC section 1: a familiar login weeks before; then, from the
  // attacker's context, a password reset via email, a login, and a
  // live-chat request to send credentials to the email on file.
  void FeedIncident(const std::string& account) {
    Feed(account, R"({"eventId":"e1","accountId":")" + account + R"(","occurredAt":"2026-11-01T10:00:00Z",
      "context":{"ip":"198.51.100.7","deviceId":"d-home","asn":64496},
      "login":{"result":"SUCCESS","method":"PASSWORD"}})");
    Feed(account, R"({"eventId":"e2","accountId":")" + account + R"(","occurredAt":"2026-11-28T09:00:00Z",
      "context":{"ip":"203.0.113.7","deviceId":"d-evil","asn":64500},
      "passwordReset":{"stage":"REQUESTED","channel":"EMAIL"}})");
    Feed(account, R"({"eventId":"e3","accountId":")" + account + R"(","occurredAt":"2026-11-28T09:05:00Z",
      "context":{"ip":"203.0.113.7","deviceId":"d-evil","asn":64500},
      "passwordReset":{"stage":"COMPLETED","channel":"EMAIL"}})");
    Feed(account, R"({"eventId":"e4","accountId":")" + account + R"(","occurredAt":"2026-11-28T09:10:00Z",
      "context":{"ip":"203.0.113.7","deviceId":"d-evil","asn":64500},
      "login":{"result":"SUCCESS","method":"PASSWORD"}})");
    Feed(account, R"({"eventId":"e5","accountId":")" + account + R"(","occurredAt":"2026-11-28T09:30:00Z",
      "context":{"ip":"203.0.113.7","deviceId":"d-evil","asn":64500},
      "supportRequest":{"ticketId":"T-1","channel":"LIVE_CHAT","requestedAction":"SEND_CREDENTIALS",
                        "deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false}})");
  }
};

constexpr std::string_view kSendCredentials =
    R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false})";

TEST_F(ApiRoutesTest, OpenRoutesNeedNoToken) {
  auto health = Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  auto ready = Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_TRUE(Parse<google::protobuf::Struct>(ready).fields().at("ready").bool_value());
  EXPECT_EQ(Parse<google::protobuf::Struct>(ready).fields().at("reason").string_value(), "ok");
  backend_->SetReady({false, "partitions not assigned"});
  ready = Get("/readyz");
  EXPECT_EQ(ready.status, 503);
  EXPECT_FALSE(Parse<google::protobuf::Struct>(ready).fields().at("ready").bool_value());
  EXPECT_EQ(Parse<google::protobuf::Struct>(ready).fields().at("reason").string_value(), "partitions not assigned");
  auto scrape = Get("/metrics");
  EXPECT_EQ(scrape.status, 200);
  EXPECT_EQ(scrape.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(scrape.body.find("riskd_build_info"), std::string::npos);
}

TEST_F(ApiRoutesTest, EveryV1RouteNeedsAValidBearerToken) {
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/v1/accounts/a/risk"}, {"POST", "/v1/accounts/a/evaluate"}, {"POST", "/v1/accounts/a/feedback"},
      {"GET", "/v1/config"},          {"POST", "/v1/config:reload"}};
  for (const auto& [method, target] : routes) {
    auto none = Call(port(), method, target, "", method == "POST" ? "{}" : "");
    EXPECT_EQ(none.status, 401) << target;
    EXPECT_EQ(ErrorCode(none), "UNAUTHENTICATED");
    EXPECT_EQ(none.header("www-authenticate"), R"(Bearer realm="riskd")");
    auto wrong = Call(port(), method, target, "not-a-token", method == "POST" ? "{}" : "");
    EXPECT_EQ(wrong.status, 401) << target;
    EXPECT_EQ(wrong.header("www-authenticate"), R"(Bearer realm="riskd", error="invalid_token")");
  }
  // Another scheme, or two Authorization fields, are not a bearer token.
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send("GET /v1/accounts/a/risk HTTP/1.1\r\nAuthorization: Basic " + std::string(kAdminToken) +
                      "\r\n\r\nGET /v1/accounts/a/risk HTTP/1.1\r\nAuthorization: Bearer " +
                      std::string(kAdminToken) + "\r\nAuthorization: Bearer " + std::string(kAdminToken) +
                      "\r\n\r\n"));
  EXPECT_EQ(c->Read()->status, 401);
  EXPECT_EQ(c->Read()->status, 401);
  // A token's digest is not a token.
  EXPECT_EQ(Get("/v1/accounts/a/risk", Sha256Hex(kAdminToken)).status, 401);
}

TEST_F(ApiRoutesTest, RolesAreOrderedSupportAnalystAdmin) {
  struct Case {
    std::string method, target, body;
    int support, analyst, admin;
  };
  const std::vector<Case> cases = {
      {"GET", "/v1/accounts/a/risk", "", 200, 200, 200},
      {"POST", "/v1/accounts/a/evaluate", std::string(kSendCredentials), 200, 200, 200},
      {"POST", "/v1/accounts/a/feedback", R"({"label":"LEGITIMATE"})", 403, 200, 200},
      {"GET", "/v1/config", "", 403, 200, 200},
      {"POST", "/v1/config:reload", "", 403, 403, 200},
  };
  for (const auto& c : cases) {
    for (auto [token, expected] : {std::pair{kSupportToken, c.support}, std::pair{kAnalystToken, c.analyst},
                                   std::pair{kAdminToken, c.admin}}) {
      auto reply = Call(port(), c.method, c.target, token, c.body);
      EXPECT_EQ(reply.status, expected) << c.method << " " << c.target << " as " << token << ": " << reply.body;
      if (expected == 403) {
        EXPECT_EQ(ErrorCode(reply), "PERMISSION_DENIED");
      }
    }
  }
}

TEST_F(ApiRoutesTest, UnknownRoutesAre404AndWrongMethodsAre405WithAllow) {
  auto missing = Get("/v1/nothing", kAdminToken);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(ErrorCode(missing), "NOT_FOUND");
  auto wrong = Post("/v1/accounts/a/risk", "{}", kAdminToken);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(ErrorCode(wrong), "METHOD_NOT_ALLOWED");
  EXPECT_EQ(wrong.header("allow"), "GET, HEAD");
  EXPECT_EQ(Get("/v1/config:reload", kAdminToken).header("allow"), "POST");
}

TEST_F(ApiRoutesTest, UnknownAccountIsKnownFalseScoreZeroLow) {
  auto reply = Get("/v1/accounts/never-seen/risk", kSupportToken);
  ASSERT_EQ(reply.status, 200);
  auto risk = Parse<v1::RiskResponse>(reply);
  EXPECT_EQ(risk.account_id(), "never-seen");
  EXPECT_FALSE(risk.known());
  EXPECT_EQ(risk.score(), 0);
  EXPECT_EQ(risk.level(), v1::LOW);
  EXPECT_EQ(risk.reasons_size(), 0);
  EXPECT_EQ(risk.config_version(), backend_->CurrentConfig()->version);
  EXPECT_FALSE(risk.config_version().empty());
  EXPECT_EQ(reply.header("cache-control"), "no-store");
  // The shape is stable: zero values are printed, not omitted.
  EXPECT_NE(reply.body.find(R"("known":false)"), std::string::npos);
  EXPECT_NE(reply.body.find(R"("score":0)"), std::string::npos);
  EXPECT_NE(reply.body.find(R"("reasons":[])"), std::string::npos);
}

TEST_F(ApiRoutesTest, AccountIdIsPercentDecodedAndOneTo128Bytes) {
  Feed("team/a b", R"({"eventId":"x1","accountId":"team/a b","occurredAt":"2026-11-28T09:00:00Z",
      "passwordReset":{"stage":"REQUESTED","channel":"EMAIL"}})");
  auto reply = Get("/v1/accounts/team%2Fa%20b/risk", kSupportToken);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(Parse<v1::RiskResponse>(reply).account_id(), "team/a b");
  EXPECT_TRUE(Parse<v1::RiskResponse>(reply).known());
  EXPECT_EQ(Get("/v1/accounts/" + std::string(128, 'a') + "/risk", kSupportToken).status, 200);
  for (std::string bad : {std::string(129, 'a'), std::string(), std::string("%zz"), std::string("%C0%AF")}) {
    auto r = Get("/v1/accounts/" + bad + "/risk", kSupportToken);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(ErrorCode(r), "INVALID_ARGUMENT");
    EXPECT_NE(ErrorMessage(r).find("accountId"), std::string::npos);
    EXPECT_EQ(Post("/v1/accounts/" + bad + "/evaluate", kSendCredentials, kSupportToken).status, 400);
    EXPECT_EQ(Post("/v1/accounts/" + bad + "/feedback", R"({"label":"COMPROMISED"})", kAnalystToken).status, 400);
  }
  // Input is validated only after authentication: no oracle without a token.
  EXPECT_EQ(Get("/v1/accounts/" + std::string(129, 'a') + "/risk").status, 401);
}

TEST_F(ApiRoutesTest, RiskAsOfIsValidated) {
  for (const char* bad : {"?asOf=yesterday", "?asOf=2026-13-01T00:00:00Z", "?asOf=", "?asof=2026-11-28T00:00:00Z",
                          "?asOf=2026-11-28T00:00:00Z&asOf=2026-11-28T00:00:00Z", "?asOf=%zz"}) {
    auto r = Get(std::string("/v1/accounts/a/risk") + bad, kSupportToken);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(ErrorCode(r), "INVALID_ARGUMENT");
  }
  EXPECT_NE(ErrorMessage(Get("/v1/accounts/a/risk?asOf=nope", kSupportToken)).find("asOf"), std::string::npos);
  EXPECT_EQ(Get("/v1/accounts/a/risk?asOf=2026-11-28T10:00:00%2B01:00", kSupportToken).status, 200);
  EXPECT_EQ(Get("/v1/accounts/a/risk?asOf=2026-11-28T10:00:00+01:00", kSupportToken).status, 200);
}

TEST_F(ApiRoutesTest, EvaluateValidatesItsBodyNamingTheField) {
  struct Case {
    std::string body, field;
  };
  const std::vector<Case> cases = {
      {"", "body"},
      {"not json", ""},
      {"[]", ""},
      {R"({"channel":"LIVE_CHAT"})", "action"},
      {R"({"action":"SEND_CREDENTIALS"})", "channel"},
      {R"({"action":"ACTION_UNSPECIFIED","channel":"LIVE_CHAT"})", "action"},
      {R"({"action":"SEND_MONEY","channel":"LIVE_CHAT"})", "action"},
      {R"({"action":"SEND_CREDENTIALS","channel":"CARRIER_PIGEON"})", "channel"},
      {R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"MOON"})", "deliverTo"},
      {R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","asOf":"tomorrow"})", "asOf"},
      {R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverto":"EMAIL_ON_FILE"})", "deliverto"},
      {R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","requesterAuthenticated":{}})", ""},
      {R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT"} trailing)", ""},
  };
  for (const auto& c : cases) {
    auto r = Post("/v1/accounts/a/evaluate", c.body, kSupportToken);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(ErrorCode(r), "INVALID_ARGUMENT") << c.body;
    if (!c.field.empty()) {
      EXPECT_NE(ErrorMessage(r).find(c.field), std::string::npos) << c.body << " -> " << r.body;
    }
  }
  EXPECT_TRUE(backend_->audits().empty());
}

TEST_F(ApiRoutesTest, TheIncidentOfSpecSection1IsDenied) {
  FeedIncident("acct-42");
  auto reply = Post("/v1/accounts/acct-42/evaluate", kSendCredentials, kSupportToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto evaluation = Parse<v1::EvaluateResponse>(reply);
  EXPECT_EQ(evaluation.decision(), v1::DENY);
  EXPECT_EQ(evaluation.level(), v1::CRITICAL);
  EXPECT_GE(evaluation.score(), 85);
  std::set<int> forbidden(evaluation.forbidden_destinations().begin(), evaluation.forbidden_destinations().end());
  EXPECT_TRUE(forbidden.count(v1::EMAIL_ON_FILE));
  EXPECT_TRUE(forbidden.count(v1::NEW_EMAIL));
  std::set<std::string> rules;
  for (const auto& reason : evaluation.reasons()) rules.insert(reason.rule());
  EXPECT_TRUE(rules.count("email_reset_then_sensitive_request"));
  EXPECT_TRUE(rules.count("email_reset_then_unfamiliar_login"));
  EXPECT_EQ(evaluation.config_version(), backend_->CurrentConfig()->version);

  auto risk = Parse<v1::RiskResponse>(Get("/v1/accounts/acct-42/risk", kSupportToken));
  EXPECT_TRUE(risk.known());
  EXPECT_EQ(risk.level(), v1::CRITICAL);
  std::set<int> tainted(risk.tainted_factors().begin(), risk.tainted_factors().end());
  EXPECT_TRUE(tainted.count(v1::EMAIL_OTP));
  EXPECT_TRUE(tainted.count(v1::EMAIL_LINK));
  EXPECT_TRUE(tainted.count(v1::SUPPORT_PIN));
  EXPECT_EQ(risk.updated_at().seconds(), *ParseRfc3339("2026-11-28T09:30:00Z") / 1'000'000);
  for (const auto& reason : risk.reasons()) {
    EXPECT_GT(reason.points(), 0);
    EXPECT_FALSE(reason.event_ids().empty()) << reason.rule();
  }

  // Asked as of before the reset, the same account was a routine request:
  // the support minimum (STEP_UP with the PIN or better) and nothing else.
  // (Only an analyst or admin may ask that.)
  auto before = Parse<v1::EvaluateResponse>(Post(
      "/v1/accounts/acct-42/evaluate",
      R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","asOf":"2026-11-28T08:00:00Z"})",
      kAnalystToken));
  EXPECT_EQ(before.decision(), v1::STEP_UP);
  EXPECT_EQ(before.level(), v1::LOW);
  std::set<int> factors(before.acceptable_factors().begin(), before.acceptable_factors().end());
  EXPECT_TRUE(factors.count(v1::SUPPORT_PIN));
  EXPECT_FALSE(factors.count(v1::EMAIL_OTP));
  auto earlier = Parse<v1::RiskResponse>(Get("/v1/accounts/acct-42/risk?asOf=2026-11-28T08:00:00Z", kSupportToken));
  EXPECT_EQ(earlier.level(), v1::LOW);
  EXPECT_EQ(earlier.score(), 0);
}

TEST_F(ApiRoutesTest, EvaluateAsOfIsForAnalystsAndAdminsAndAudited) {
  FeedIncident("acct-42");
  const std::string past =
      R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","asOf":"2026-11-28T08:00:00Z"})";
  // Support would get yesterday's STEP_UP instead of today's DENY.
  auto refused = Post("/v1/accounts/acct-42/evaluate", past, kSupportToken);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(ErrorCode(refused), "asof_not_allowed");
  EXPECT_NE(ErrorMessage(refused).find("asOf"), std::string::npos);
  EXPECT_TRUE(backend_->audits().empty());
  // Reading risk as of a past time stays open to support: it decides nothing.
  EXPECT_EQ(Get("/v1/accounts/acct-42/risk?asOf=2026-11-28T08:00:00Z", kSupportToken).status, 200);

  for (std::string_view token : {kAnalystToken, kAdminToken}) {
    auto reply = Post("/v1/accounts/acct-42/evaluate", past, token);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(Parse<v1::EvaluateResponse>(reply).decision(), v1::STEP_UP);
  }
  ASSERT_EQ(Post("/v1/accounts/acct-42/evaluate", kSendCredentials, kSupportToken).status, 200);
  auto audits = backend_->audits();
  ASSERT_EQ(audits.size(), 3u);
  for (int i = 0; i < 2; ++i) {
    auto detail = codec::FromJson<google::protobuf::Struct>(audits[i].detail_json);
    ASSERT_TRUE(detail.ok());
    ASSERT_TRUE(detail->fields().count("asOf")) << audits[i].detail_json;
    EXPECT_EQ(detail->fields().at("asOf").string_value(), "2026-11-28T08:00:00Z");
  }
  EXPECT_EQ(audits[0].who, kAnalystName);
  auto now = codec::FromJson<google::protobuf::Struct>(audits[2].detail_json);
  ASSERT_TRUE(now.ok());
  EXPECT_FALSE(now->fields().count("asOf")) << audits[2].detail_json;
}

TEST_F(ApiRoutesTest, ADuplicateKeyInABodyIs400DuplicateField) {
  FeedIncident("acct-42");
  // The last key would win: OTHER is not sensitive, and would be allowed.
  for (const std::string body : {
           R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","action":"OTHER"})",
           R"({"act\u0069on":"SEND_CREDENTIALS","channel":"LIVE_CHAT","action":"OTHER"})",
           R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","deliver_to":"NEW_PHONE"})"}) {
    auto reply = Post("/v1/accounts/acct-42/evaluate", body, kSupportToken);
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_EQ(ErrorCode(reply), "duplicate_field") << body;
  }
  auto feedback = Post("/v1/accounts/acct-42/feedback", R"({"label":"COMPROMISED","label":"LEGITIMATE"})",
                       kAnalystToken);
  EXPECT_EQ(feedback.status, 400);
  EXPECT_EQ(ErrorCode(feedback), "duplicate_field");
  EXPECT_NE(ErrorMessage(feedback).find("label"), std::string::npos);
  EXPECT_TRUE(backend_->audits().empty());
}

TEST_F(ApiRoutesTest, SelfServiceSkipsTheSupportMinimum) {
  auto evaluation = Parse<v1::EvaluateResponse>(Post(
      "/v1/accounts/quiet/evaluate", R"({"action":"CHANGE_PHONE","channel":"SELF_SERVICE"})", kSupportToken));
  EXPECT_EQ(evaluation.decision(), v1::ALLOW);
  evaluation = Parse<v1::EvaluateResponse>(
      Post("/v1/accounts/quiet/evaluate", R"({"action":"CHANGE_PHONE","channel":"PHONE"})", kSupportToken));
  EXPECT_EQ(evaluation.decision(), v1::STEP_UP);
}

TEST_F(ApiRoutesTest, EvaluateIsAuditedCountedAndGetsAUniqueDecisionId) {
  FeedIncident("acct-42");
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto evaluation = Parse<v1::EvaluateResponse>(Post("/v1/accounts/acct-42/evaluate", kSendCredentials, kSupportToken));
    EXPECT_EQ(evaluation.decision_id().size(), 32u);
    EXPECT_EQ(evaluation.decision_id().find_first_not_of("0123456789abcdef"), std::string::npos);
    ids.insert(evaluation.decision_id());
  }
  EXPECT_EQ(ids.size(), 5u);
  auto audits = backend_->audits();
  ASSERT_EQ(audits.size(), 5u);
  EXPECT_EQ(audits[0].who, kSupportName);
  EXPECT_EQ(audits[0].what, "evaluate");
  EXPECT_EQ(audits[0].account_id, "acct-42");
  EXPECT_EQ(audits[0].outcome, "DENY");
  EXPECT_EQ(audits[0].at, TestNow());
  EXPECT_EQ(audits[0].config_version, backend_->CurrentConfig()->version);
  auto detail = codec::FromJson<google::protobuf::Struct>(audits[0].detail_json);
  ASSERT_TRUE(detail.ok()) << audits[0].detail_json;
  EXPECT_TRUE(ids.count(detail->fields().at("decisionId").string_value()));
  EXPECT_EQ(detail->fields().at("action").string_value(), "SEND_CREDENTIALS");
  EXPECT_EQ(detail->fields().at("deliverTo").string_value(), "EMAIL_ON_FILE");
  EXPECT_NE(metrics_.Scrape().find(R"(riskd_evaluations_total{action="SEND_CREDENTIALS",decision="DENY"} 5)"),
            std::string::npos);
}

TEST_F(ApiRoutesTest, EvaluateFailsClosedWhenTheAuditCannotBeWritten) {
  backend_->SetAuditFails(true);
  auto reply = Post("/v1/accounts/a/evaluate", kSendCredentials, kSupportToken);
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(ErrorCode(reply), "UNAVAILABLE");
  EXPECT_EQ(reply.header("retry-after"), "1");
  EXPECT_EQ(reply.body.find("decisionId"), std::string::npos);
}

TEST_F(ApiRoutesTest, AnAccountThisInstanceCannotServeIs503WithRetryAfter) {
  backend_->SetUnavailable("elsewhere");
  for (auto reply : {Get("/v1/accounts/elsewhere/risk", kSupportToken),
                     Post("/v1/accounts/elsewhere/evaluate", kSendCredentials, kSupportToken),
                     Post("/v1/accounts/elsewhere/feedback", R"({"label":"COMPROMISED"})", kAnalystToken)}) {
    EXPECT_EQ(reply.status, 503);
    EXPECT_EQ(ErrorCode(reply), "UNAVAILABLE");
    EXPECT_EQ(reply.header("retry-after"), "1");
  }
}

TEST_F(ApiRoutesTest, FeedbackIsVisibleToTheNextReadAndAudited) {
  Feed("acct-7", R"({"eventId":"f1","accountId":"acct-7","occurredAt":"2026-11-28T11:00:00Z",
      "passwordReset":{"stage":"REQUESTED","channel":"EMAIL"}})");
  auto reply = Post("/v1/accounts/acct-7/feedback", R"({"label":"COMPROMISED","note":"customer called"})", kAnalystToken);
  ASSERT_EQ(reply.status, 200) << reply.body;
  auto feedback = Parse<v1::FeedbackResponse>(reply);
  EXPECT_EQ(feedback.account_id(), "acct-7");
  EXPECT_EQ(feedback.label(), v1::COMPROMISED);
  EXPECT_EQ(feedback.recorded_at().seconds(), TestNow() / 1'000'000);
  EXPECT_EQ(feedback.config_version(), backend_->CurrentConfig()->version);
  // Read-your-writes: COMPROMISED pins CRITICAL, whatever the score.
  auto risk = Parse<v1::RiskResponse>(Get("/v1/accounts/acct-7/risk", kSupportToken));
  EXPECT_EQ(risk.level(), v1::CRITICAL);
  EXPECT_EQ(Parse<v1::EvaluateResponse>(Post("/v1/accounts/acct-7/evaluate", kSendCredentials, kSupportToken)).decision(),
            v1::DENY);

  backend_->SetNow(TestNow() + 60'000'000);
  ASSERT_EQ(Post("/v1/accounts/acct-7/feedback", R"({"label":"LEGITIMATE"})", kAdminToken).status, 200);
  risk = Parse<v1::RiskResponse>(Get("/v1/accounts/acct-7/risk", kSupportToken));
  EXPECT_EQ(risk.level(), v1::LOW);
  EXPECT_EQ(risk.tainted_factors_size(), 0);

  std::vector<AuditRecord> feedback_audits;
  for (const auto& a : backend_->audits()) {
    if (a.what == "feedback") feedback_audits.push_back(a);
  }
  ASSERT_EQ(feedback_audits.size(), 2u);
  EXPECT_EQ(feedback_audits[0].who, kAnalystName);
  EXPECT_EQ(feedback_audits[0].outcome, "COMPROMISED");
  EXPECT_EQ(feedback_audits[0].detail_json, R"({"note":"customer called"})");
  EXPECT_EQ(feedback_audits[1].who, kAdminName);
  EXPECT_EQ(feedback_audits[1].outcome, "LEGITIMATE");
}

TEST_F(ApiRoutesTest, FeedbackValidatesItsBody) {
  for (const char* body : {"", "{}", R"({"label":"MAYBE"})", R"({"label":"LABEL_UNSPECIFIED"})",
                           R"({"label":"COMPROMISED","extra":1})"}) {
    auto r = Post("/v1/accounts/a/feedback", body, kAnalystToken);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(ErrorCode(r), "INVALID_ARGUMENT");
  }
  EXPECT_NE(ErrorMessage(Post("/v1/accounts/a/feedback", "{}", kAnalystToken)).find("label"), std::string::npos);
  auto long_note = Post("/v1/accounts/a/feedback",
                        R"({"label":"COMPROMISED","note":")" + std::string(2001, 'n') + R"("})", kAnalystToken);
  EXPECT_EQ(long_note.status, 400);
  EXPECT_NE(ErrorMessage(long_note).find("note"), std::string::npos);
  EXPECT_TRUE(backend_->audits().empty());
}

TEST_F(ApiRoutesTest, HttpRequestsAreCountedByRouteTemplate) {
  Get("/v1/accounts/some-account/risk", kSupportToken);
  Get("/v1/accounts/other/risk", kSupportToken);
  Get("/v1/accounts/other/risk");
  Get("/nowhere");
  const std::string scrape = metrics_.Scrape();
  EXPECT_NE(scrape.find(R"(riskd_http_requests_total{code="200",route="/v1/accounts/{accountId}/risk"} 2)"),
            std::string::npos)
      << scrape;
  EXPECT_NE(scrape.find(R"(riskd_http_requests_total{code="401",route="/v1/accounts/{accountId}/risk"} 1)"),
            std::string::npos);
  EXPECT_NE(scrape.find(R"(riskd_http_requests_total{code="404",route="unmatched"} 1)"), std::string::npos);
  EXPECT_EQ(scrape.find("some-account"), std::string::npos);
}

TEST_F(ApiRoutesTest, OpsListenerServesOnlyOpsRoutes) {
  ASSERT_NO_FATAL_FAILURE(StartServer({}, ApiOptions{.surface = Surface::kOps}));
  EXPECT_EQ(Get("/healthz").status, 200);
  EXPECT_EQ(Get("/readyz").status, 200);
  EXPECT_EQ(Get("/metrics").status, 200);
  EXPECT_EQ(Get("/v1/accounts/a/risk", kAdminToken).status, 404);
  EXPECT_EQ(Post("/v1/config:reload", "", kAdminToken).status, 404);
}

TEST_F(ApiRoutesTest, NoTokenOrDigestEverAppearsInResponsesOrLogs) {
  ::testing::internal::CaptureStderr();
  std::string bodies;
  for (auto token : {kSupportToken, kAnalystToken, kAdminToken, std::string_view("wrong-token")}) {
    bodies += Get("/v1/accounts/a/risk", token).body;
    bodies += Get("/v1/config", token).body;
    bodies += Post("/v1/config:reload", "", token).body;
    bodies += Post("/v1/accounts/a/feedback", R"({"label":"LEGITIMATE"})", token).body;
  }
  backend_->SetAuditFails(true);
  bodies += Post("/v1/accounts/a/evaluate", kSendCredentials, kSupportToken).body;
  const std::string logs = ::testing::internal::GetCapturedStderr();
  for (auto token : {kSupportToken, kAnalystToken, kAdminToken}) {
    for (const std::string& secret : {std::string(token), Sha256Hex(token)}) {
      EXPECT_EQ(bodies.find(secret), std::string::npos) << secret;
      EXPECT_EQ(logs.find(secret), std::string::npos) << secret;
    }
  }
  EXPECT_NE(bodies.find("configVersion"), std::string::npos);  // the config was served
}

}  // namespace
}  // namespace riskd::http::testing
