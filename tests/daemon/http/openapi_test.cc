// docs/openapi.yaml documents exactly the router's routes: the same paths,
// each with the one method the router answers, the least role the router
// requires, and every error response in the shared error shape. (What each
// documented example gets from a live daemon is
// tests/integration/openapi_examples_it_test.cc.)
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <variant>

#include "daemon/config/tokens.h"
#include "daemon/http/router.h"

namespace riskd::http {
namespace {

const YAML::Node& Doc() {
  static const YAML::Node doc = YAML::LoadFile(std::string(RISKD_SOURCE_DIR) + "/docs/openapi.yaml");
  return doc;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// OpenAPI's operation keys; anything else under a path item is not a method.
bool IsMethod(const std::string& key) {
  static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
  return kMethods.count(key) > 0;
}

TEST(OpenApiTest, IsOpenApi31) {
  EXPECT_EQ(Doc()["openapi"].as<std::string>().rfind("3.1", 0), 0u);
  EXPECT_EQ(Doc()["components"]["securitySchemes"]["bearer"]["scheme"].as<std::string>(), "bearer");
}

TEST(OpenApiTest, PathsAndMethodsAreTheRoutersTable) {
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& path : Doc()["paths"]) {
    for (const auto& op : path.second) {
      const auto key = op.first.as<std::string>();
      if (IsMethod(key)) documented.emplace(path.first.as<std::string>(), key);
    }
  }
  std::set<std::pair<std::string, std::string>> routed;
  for (Route route : kAllRoutes) routed.emplace(std::string(RouteLabel(route)), Lower(RouteMethod(route)));
  EXPECT_EQ(documented, routed);
}

TEST(OpenApiTest, EveryDocumentedPathMatchesItsRoute) {
  for (Route route : kAllRoutes) {
    std::string target(RouteLabel(route));
    if (auto at = target.find("{accountId}"); at != std::string::npos) target.replace(at, 11, "acct-42");
    const auto match = MatchRoute(RouteMethod(route), target, Surface::kApi);
    ASSERT_TRUE(std::holds_alternative<RouteMatch>(match)) << target;
    EXPECT_EQ(std::get<RouteMatch>(match).route, route) << target;
  }
}

TEST(OpenApiTest, RolesAreTheRoutersRoles) {
  for (Route route : kAllRoutes) {
    const YAML::Node op = Doc()["paths"][std::string(RouteLabel(route))][Lower(RouteMethod(route))];
    SCOPED_TRACE(std::string(RouteLabel(route)));
    ASSERT_TRUE(op.IsMap());
    const auto required = RequiredRole(route);
    if (!required) {
      // Open routes say so: an empty security list, no role.
      ASSERT_TRUE(op["security"].IsSequence());
      EXPECT_EQ(op["security"].size(), 0u);
      EXPECT_FALSE(op["x-riskd-role"]);
      continue;
    }
    EXPECT_FALSE(op["security"]) << "inherits the document's bearer security";
    ASSERT_TRUE(op["x-riskd-role"]);
    EXPECT_EQ(op["x-riskd-role"].as<std::string>(), config::RoleName(*required));
    // Every authenticated route documents 401, and 503 with Retry-After.
    EXPECT_TRUE(op["responses"]["401"]);
    EXPECT_TRUE(op["responses"]["503"]);
    // Roles below the route's get 403.
    if (*required != config::Role::kSupport) {
      EXPECT_TRUE(op["responses"]["403"]);
    }
  }
}

TEST(OpenApiTest, UnavailableCarriesRetryAfter) {
  const YAML::Node unavailable = Doc()["components"]["responses"]["Unavailable"];
  EXPECT_TRUE(unavailable["headers"]["Retry-After"]);
  const YAML::Node readyz503 = Doc()["paths"]["/readyz"]["get"]["responses"]["503"];
  EXPECT_TRUE(readyz503["headers"]["Retry-After"]);
}

}  // namespace
}  // namespace riskd::http
