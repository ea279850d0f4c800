// The scale-out keys: ${ENV} expansion (kafka.instance_id,
// http.advertised_url), the advertised URL's shape, the cluster secret
// (cluster.secret / cluster.secret_file), and the checks that name the key.
#include <gtest/gtest.h>

#include <map>

#include <fstream>

#include "daemon/config/cluster_secret.h"
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
  EXPECT_FALSE(url->tls);
  auto tls = ParseHttpUrl("https://riskd-0.riskd-headless:8443");
  ASSERT_TRUE(tls.ok());
  EXPECT_TRUE(tls->tls);
  EXPECT_EQ(tls->authority(), "riskd-0.riskd-headless:8443");
  for (const char* bad : {"riskd:8080", "ftp://riskd:8080", "https://riskd", "http://riskd", "http://riskd:0", "http://:80",
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

TEST(ClusterSecretTest, RequiredWithASharedKafkaOnly) {
  EXPECT_TRUE(ParseConfig("").ok());  // embedded cluster: a random secret per process
  auto missing = ParseConfig("kafka: { properties: { bootstrap.servers: \"b:9092\" } }\n");
  EXPECT_TRUE(HasProblem(missing, "cluster.secret"));
  auto from_env = ParseConfig(
      "kafka: { properties: { bootstrap.servers: \"b:9092\" } }\n"
      "cluster: { secret: \"${RISKD_CLUSTER_SECRET}\" }\n");
  EXPECT_TRUE(from_env.ok());
  EXPECT_EQ(from_env.config.cluster.secret, "${RISKD_CLUSTER_SECRET}");  // expanded at start only
}

TEST(ClusterSecretTest, ProblemsNameTheirKeys) {
  EXPECT_TRUE(HasProblem(ParseConfig("cluster: { secret: \"too-short\" }\n"), "cluster.secret"));
  EXPECT_TRUE(HasProblem(ParseConfig("cluster: { secret: \"${BAD NAME}\" }\n"), "cluster.secret"));
  EXPECT_TRUE(HasProblem(ParseConfig("cluster: { secret: \"${A}\", secret_file: /x }\n"), "cluster.secret_file"));
  EXPECT_TRUE(HasProblem(ParseConfig("cluster: { secret_file: /nonexistent/secret }\n"), "cluster.secret_file"));
  const std::string short_file = ::testing::TempDir() + "/cluster_keys_short_secret";
  std::ofstream(short_file) << "short\n";
  EXPECT_TRUE(HasProblem(ParseConfig("cluster: { secret_file: " + short_file + " }\n"), "cluster.secret_file"));
  EXPECT_TRUE(HasProblem(ParseConfig("cluster: { peer_ca_file: /nonexistent/ca.pem }\n"), "cluster.peer_ca_file"));
}

TEST(ClusterSecretTest, ReadFromTheEnvironmentOrAFile) {
  ClusterConfig c;
  EXPECT_FALSE(ReadClusterSecret(c, Env({}))->has_value());
  c.secret = "${S}";
  EXPECT_EQ(**ReadClusterSecret(c, Env({{"S", "from-the-environment!"}})), "from-the-environment!");
  auto unset = ReadClusterSecret(c, Env({}));
  ASSERT_FALSE(unset.ok());
  EXPECT_EQ(unset.error().message.find("cluster.secret"), 0u) << unset.error().message;
  c.secret.clear();
  c.secret_file = ::testing::TempDir() + "/cluster_keys_secret";
  std::ofstream(c.secret_file) << "0123456789abcdef0123\r\n";
  EXPECT_EQ(**ReadClusterSecret(c, Env({})), "0123456789abcdef0123");
  EXPECT_TRUE(ParseConfig("cluster: { secret_file: " + c.secret_file + " }\n").ok());
}

TEST(ClusterSecretTest, IsRedactedFromTheDump) {
  auto r = ParseConfig("cluster: { secret: \"an-inline-secret-of-many-bytes\" }\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(DumpEffective(r.config, true).find("an-inline-secret"), std::string::npos);
  EXPECT_EQ(DumpEffective(r.config, true, DumpFormat::kJson).find("an-inline-secret"), std::string::npos);
}

TEST(ClusterTlsTest, AdvertisedSchemeMatchesHttpTls) {
  const std::string pem = ::testing::TempDir() + "/cluster_keys_readable.pem";
  std::ofstream(pem) << "stand-in\n";
  const std::string tls = "http: { tls: { cert_file: " + pem + ", key_file: " + pem + " }, ";
  // TLS on, peers told to come in clear: refused, naming the key.
  EXPECT_TRUE(HasProblem(ParseConfig(tls + "advertised_url: \"http://riskd-0:8443\" }\n"), "http.advertised_url"));
  EXPECT_TRUE(HasProblem(ParseConfig(tls + "advertised_url: \"http://${POD}:8443\" }\n"), "http.advertised_url"));
  EXPECT_TRUE(ParseConfig(tls + "advertised_url: \"https://${POD}.riskd-headless:8443\" }\n").ok());
  EXPECT_TRUE(ParseConfig(tls + "advertised_url: \"\" }\n").ok());  // https from http.listen
  // https without TLS: this instance does not serve it.
  EXPECT_TRUE(HasProblem(ParseConfig("http: { advertised_url: \"https://riskd-0:8443\" }\n"), "http.advertised_url"));
}

}  // namespace
}  // namespace riskd::config
