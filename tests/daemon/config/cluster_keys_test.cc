// The scale-out keys: ${ENV} expansion (kafka.instance_id,
// http.advertised_url), the advertised URL's shape, and the checks that
// name the key.
#include <gtest/gtest.h>

#include <map>

#include "daemon/config/config.h"
#include "daemon/config/env_expand.h"
#include "daemon/config/http_url.h"

namespace riskd::config {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

bool HasProblem(const LoadResult& r, const std::string& path) {
  for (const auto& p : r.problems) {
    if (p.path == path) return true;
  }
  return false;
}

TEST(EnvExpandTest, ReplacesVariablesAndKeepsTheRest) {
  auto env = Env({{"POD_NAME", "riskd-2"}, {"NS", "risk"}});
  EXPECT_EQ(*ExpandEnv("${POD_NAME}", env), "riskd-2");
  EXPECT_EQ(*ExpandEnv("http://${POD_NAME}.riskd-headless.${NS}.svc:8080", env),
            "http://riskd-2.riskd-headless.risk.svc:8080");
  EXPECT_EQ(*ExpandEnv("plain", env), "plain");
  EXPECT_EQ(*ExpandEnv("cost-$$5", env), "cost-$5");
}

TEST(EnvExpandTest, NamesWhatIsWrong) {
  auto env = Env({});
  auto unset = ExpandEnv("${POD_NAME}", env);
  ASSERT_FALSE(unset.ok());
  EXPECT_NE(unset.error().message.find("POD_NAME is not set"), std::string::npos);
  EXPECT_FALSE(ExpandEnv("${POD_NAME", env).ok());
  EXPECT_FALSE(ExpandEnv("$POD_NAME", env).ok());
  EXPECT_FALSE(ExpandEnv("${1X}", env).ok());
  EXPECT_FALSE(ExpandEnv("${}", env).ok());
  EXPECT_TRUE(CheckEnvSyntax("${ANYTHING}-x").ok());
  EXPECT_FALSE(CheckEnvSyntax("${bad name}").ok());
}

TEST(HttpUrlTest, AcceptsHostAndPortOnly) {
  auto url = ParseHttpUrl("http://riskd-0.riskd-headless:8080");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "riskd-0.riskd-headless");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->authority(), "riskd-0.riskd-headless:8080");
  auto v6 = ParseHttpUrl("http://[::1]:9000/");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->authority(), "[::1]:9000");
  for (const char* bad : {"riskd:8080", "https://riskd:8080", "http://riskd", "http://riskd:0", "http://:80",
                          "http://riskd:8080/v1", "http://riskd:99999", "http://ri skd:80"}) {
    EXPECT_FALSE(ParseHttpUrl(bad).ok()) << bad;
  }
}

TEST(ClusterKeysTest, DefaultsAndPerPodValuesLoad) {
  EXPECT_TRUE(ParseConfig("").ok());
  auto r = ParseConfig(
      "kafka: { instance_id: \"${POD_NAME}\" }\n"
      "http: { advertised_url: \"http://${POD_NAME}.riskd-headless:8080\", forward_timeout: 500ms }\n"
      "cluster: { heartbeat_interval: 1s, member_ttl: 3s }\n");
  ASSERT_TRUE(r.ok()) << r.problems[0].path << ": " << r.problems[0].message;
  EXPECT_EQ(r.config.kafka.instance_id, "${POD_NAME}");  // expanded at start, not in the config
  EXPECT_EQ(r.config.http.forward_timeout, 500 * 1000);
}

TEST(ClusterKeysTest, ProblemsNameTheirKeys) {
  auto r = ParseConfig(
      "kafka: { instance_id: \"${POD\", membership_topic: \"bad topic\","
      " properties: { group.instance.id: x } }\n"
      "http: { advertised_url: \"riskd:8080\" }\n"
      "cluster: { heartbeat_interval: 5s, member_ttl: 6s }\n");
  EXPECT_TRUE(HasProblem(r, "kafka.instance_id"));
  EXPECT_TRUE(HasProblem(r, "kafka.membership_topic"));
  EXPECT_TRUE(HasProblem(r, "kafka.properties.group.instance.id"));
  EXPECT_TRUE(HasProblem(r, "http.advertised_url"));
  EXPECT_TRUE(HasProblem(r, "cluster.member_ttl"));
}

}  // namespace
}  // namespace riskd::config
