#include "daemon/http/router.h"

#include <gtest/gtest.h>

#include <variant>

namespace riskd::http {
namespace {

RouteMatch Match(std::string_view method, std::string_view target, Surface surface = Surface::kApi) {
  auto result = MatchRoute(method, target, surface);
  EXPECT_TRUE(std::holds_alternative<RouteMatch>(result)) << method << " " << target;
  return std::holds_alternative<RouteMatch>(result) ? std::get<RouteMatch>(result) : RouteMatch{};
}

RouteMiss Miss(std::string_view method, std::string_view target, Surface surface = Surface::kApi) {
  auto result = MatchRoute(method, target, surface);
  EXPECT_TRUE(std::holds_alternative<RouteMiss>(result)) << method << " " << target;
  return std::holds_alternative<RouteMiss>(result) ? std::get<RouteMiss>(result) : RouteMiss{};
}

TEST(RouterTest, MatchesEverySpecRoute) {
  EXPECT_EQ(Match("GET", "/v1/accounts/acct-42/risk").route, Route::kRisk);
  EXPECT_EQ(Match("POST", "/v1/accounts/acct-42/evaluate").route, Route::kEvaluate);
  EXPECT_EQ(Match("POST", "/v1/accounts/acct-42/feedback").route, Route::kFeedback);
  EXPECT_EQ(Match("GET", "/v1/config").route, Route::kConfig);
  EXPECT_EQ(Match("POST", "/v1/config:reload").route, Route::kConfigReload);
  EXPECT_EQ(Match("GET", "/healthz").route, Route::kHealthz);
  EXPECT_EQ(Match("GET", "/readyz").route, Route::kReadyz);
  EXPECT_EQ(Match("GET", "/metrics").route, Route::kMetrics);
  EXPECT_EQ(Match("HEAD", "/healthz").route, Route::kHealthz);
}

TEST(RouterTest, KeepsTheAccountSegmentEncodedAndTheQuery) {
  auto m = Match("GET", "/v1/accounts/a%2Fb/risk?asOf=2026-11-28T09:00:00Z");
  EXPECT_EQ(m.account_segment, "a%2Fb");
  EXPECT_EQ(m.query, "asOf=2026-11-28T09:00:00Z");
  EXPECT_EQ(Match("GET", "/v1/accounts//risk").account_segment, "");
}

TEST(RouterTest, DecodesLiteralSegments) {
  EXPECT_EQ(Match("POST", "/v1/config%3Areload").route, Route::kConfigReload);
  EXPECT_EQ(Match("POST", "/v1/config%3areload").route, Route::kConfigReload);
}

TEST(RouterTest, UnknownPathsAre404) {
  for (const char* target : {"/", "/v1", "/v1/", "/v2/config", "/v1/accounts/a/risk/", "/v1/accounts/a",
                             "/v1/accounts/a/b/risk", "/healthz/", "/HEALTHZ", "v1/config", "*",
                             "http://example.com/healthz"}) {
    auto miss = Miss("GET", target);
    EXPECT_EQ(miss.status, 404) << target;
    EXPECT_EQ(miss.code, "NOT_FOUND");
  }
}

TEST(RouterTest, WrongMethodIs405WithAllow) {
  auto miss = Miss("GET", "/v1/accounts/a/evaluate");
  EXPECT_EQ(miss.status, 405);
  EXPECT_EQ(miss.code, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(miss.allow, "POST");
  miss = Miss("DELETE", "/v1/accounts/a/risk");
  EXPECT_EQ(miss.allow, "GET, HEAD");
  EXPECT_EQ(Miss("POST", "/metrics").status, 405);
  EXPECT_EQ(Miss("PUT", "/v1/config:reload").status, 405);
  EXPECT_EQ(Miss("get", "/healthz").status, 405);  // methods are case-sensitive
}

TEST(RouterTest, OpsSurfaceServesOnlyOpsRoutes) {
  EXPECT_EQ(Match("GET", "/metrics", Surface::kOps).route, Route::kMetrics);
  EXPECT_EQ(Match("GET", "/healthz", Surface::kOps).route, Route::kHealthz);
  EXPECT_EQ(Match("GET", "/readyz", Surface::kOps).route, Route::kReadyz);
  EXPECT_EQ(Miss("GET", "/v1/accounts/a/risk", Surface::kOps).status, 404);
  EXPECT_EQ(Miss("POST", "/v1/config:reload", Surface::kOps).status, 404);
}

TEST(RouterTest, RolesFollowTheSpec) {
  EXPECT_EQ(RequiredRole(Route::kRisk), Role::kSupport);
  EXPECT_EQ(RequiredRole(Route::kEvaluate), Role::kSupport);
  EXPECT_EQ(RequiredRole(Route::kFeedback), Role::kAnalyst);
  EXPECT_EQ(RequiredRole(Route::kConfig), Role::kAnalyst);
  EXPECT_EQ(RequiredRole(Route::kConfigReload), Role::kAdmin);
  EXPECT_FALSE(RequiredRole(Route::kHealthz));
  EXPECT_FALSE(RequiredRole(Route::kReadyz));
  EXPECT_FALSE(RequiredRole(Route::kMetrics));
}

TEST(RouterTest, LabelsAreTemplatesNotPaths) {
  EXPECT_EQ(RouteLabel(Route::kRisk), "/v1/accounts/{accountId}/risk");
  EXPECT_EQ(RouteLabel(Route::kConfigReload), "/v1/config:reload");
}

}  // namespace
}  // namespace riskd::http
