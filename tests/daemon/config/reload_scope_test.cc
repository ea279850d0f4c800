#include "daemon/config/reload_scope.h"

#include <gtest/gtest.h>

#include "daemon/config/keys.h"

namespace riskd::config {
namespace {

TEST(ReloadScopeTest, LiveKeysApplyAndTheRestWaitForARestart) {
  Config started;
  started.http.max_connections = 8;
  Config file = started;
  file.http.max_connections = 16;
  file.metrics.listen = "127.0.0.1:9999";
  file.state.dir = "/elsewhere";
  file.log.level = "debug";
  file.scoring.thresholds.medium = 25;
  file.auth.tokens.push_back(Token{"ops", Role::kAdmin, Sha256Hex("t")});

  ReloadPlan plan = PlanReload(started, file);
  EXPECT_EQ(plan.restart_required,
            (std::vector<std::string>{"state.dir", "http.max_connections", "metrics.listen"}));
  // What runs: the started values of restart-only keys, the file's live ones.
  EXPECT_EQ(plan.running.http.max_connections, 8);
  EXPECT_EQ(plan.running.metrics.listen, started.metrics.listen);
  EXPECT_EQ(plan.running.state.dir, started.state.dir);
  EXPECT_EQ(plan.running.log.level, "debug");
  EXPECT_EQ(plan.running.scoring.thresholds.medium, 25);
  ASSERT_EQ(plan.running.auth.tokens.size(), 1u);
  EXPECT_EQ(plan.running.auth.tokens[0].name, "ops");

  // Nothing changed: nothing pending, the same config runs.
  ReloadPlan same = PlanReload(started, started);
  EXPECT_TRUE(same.restart_required.empty());
  EXPECT_EQ(ConfigVersion(same.running), ConfigVersion(started));
}

TEST(ReloadScopeTest, ClassifiesEveryKeyOfTheTable) {
  Config c;
  int live = 0;
  for (const Key& key : ListKeys(c)) live += AppliesOnReload(key.path);
  EXPECT_GT(live, 20);  // the scoring knobs, policy, tokens, log level
  EXPECT_TRUE(AppliesOnReload("scoring.rules.mfa_removed.points"));
  EXPECT_TRUE(AppliesOnReload("scoring.shadow_config"));
  EXPECT_TRUE(AppliesOnReload("auth.tokens"));
  for (const char* restart : {"http.listen", "http.max_connections", "http.threads", "http.tls.cert_file",
                              "http.tls.key_file", "metrics.listen", "state.dir", "kafka.properties",
                              "kafka.group_id", "readiness.max_lag_messages", "cluster.member_ttl"}) {
    EXPECT_FALSE(AppliesOnReload(restart)) << restart;
  }
}

TEST(ReloadScopeTest, PendingValuesAreRedacted) {
  Config file;
  file.http.max_connections = 16;
  file.kafka.properties["sasl.password"] = "hunter2";
  const std::string json = DumpKeysJson(file, {"http.max_connections", "kafka.properties"}, true);
  EXPECT_NE(json.find(R"("http.max_connections":16)"), std::string::npos) << json;
  EXPECT_EQ(json.find("hunter2"), std::string::npos) << json;
  EXPECT_EQ(DumpKeysJson(file, {}, true), "{}");
}

}  // namespace
}  // namespace riskd::config
