// The config file as an attack surface and a source of false answers.
//
// * configVersion as a secret oracle: it is public (riskd_config_info on
//   /metrics, no token; every answer), and it was a hash over the whole
//   config, token digests included. Knowing the rest of the config (GET
//   /v1/config, redacted), a dictionary of candidate tokens could be tested
//   offline against it. Now secrets enter it by their key names, so it does
//   not move when only a token digest does.
// * A reload that claims what it did not do: changing a listener limit and
//   reloading answered 200 and GET /v1/config showed the new value while the
//   old one stayed in force. Now the answer lists restartRequired, and GET
//   /v1/config shows what runs plus the pending values.
#include <gtest/gtest.h>
#include <google/protobuf/struct.pb.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "daemon/codec/json.h"
#include "daemon/config/tokens.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;
using google::protobuf::Struct;
using google::protobuf::Value;

constexpr const char* kAnalyst = "sec-analyst-token";
constexpr const char* kAdmin = "sec-admin-token";

class ConfigTrustTest : public IntegrationTest {
 protected:
  static RiskdConfig WithTokens() {
    RiskdConfig config;
    config.extra_yaml = TokensYaml({{"analyst-1", "analyst", kAnalyst}, {"admin-1", "admin", kAdmin}});
    return config;
  }

  static HttpResponse Call(int port, const std::string& method, const std::string& target, const char* token) {
    return HttpRequest(port, method, target, "", {{"Authorization", std::string("Bearer ") + token}});
  }

  static Struct Json(const HttpResponse& r) {
    auto parsed = codec::FromJson<Struct>(r.body);
    EXPECT_TRUE(parsed.ok()) << r.status << " " << r.body;
    return parsed.ok() ? *parsed : Struct{};
  }

  // The value at a dotted path of a JSON object ("config.http.max_connections").
  static Value At(const Struct& root, const std::string& path) {
    const Struct* node = &root;
    std::stringstream parts(path);
    std::string part;
    Value v;
    while (std::getline(parts, part, '.')) {
      auto it = node->fields().find(part);
      if (it == node->fields().end()) return Value{};
      v = it->second;
      node = &it->second.struct_value();
    }
    return v;
  }

  static std::vector<std::string> Strings(const Value& v) {
    std::vector<std::string> out;
    for (const auto& item : v.list_value().values()) out.push_back(item.string_value());
    return out;
  }

  // riskd_config_info{version="…"} of a scrape.
  static std::string ScrapedVersion(int ops) {
    const std::string scrape = HttpRequest(ops, "GET", "/metrics").body;
    std::smatch m;
    if (std::regex_search(scrape, m, std::regex(R"re(riskd_config_info\{version="([0-9a-f]+)"\} 1)re"))) return m[1];
    return "";
  }

  static std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void WriteFile(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
  }
  static void Replace(const std::filesystem::path& path, const std::string& from, const std::string& to) {
    std::string text = ReadFile(path);
    const size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from << " not in\n" << text;
    text.replace(at, from.size(), to);
    WriteFile(path, text);
  }
};

// The attack: a stranger scrapes /metrics (no token) for riskd_config_info.
// With configVersion a hash over the token digests, every candidate token
// could be checked offline against it. It must not move when only a token's
// digest does: then it carries no information about the digests.
TEST_F(ConfigTrustTest, ConfigInfoDoesNotChangeWhenOnlyATokenHashChanges) {
  auto riskd = NewRiskd("riskd", WithTokens());
  riskd->Start();
  const int api = riskd->http_port();
  const int ops = riskd->metrics_port();
  ASSERT_TRUE(WaitReady(api, 60s)) << riskd->Stderr();
  const std::string before = ScrapedVersion(ops);
  ASSERT_FALSE(before.empty());

  // Rotate the analyst's token: only its digest changes in the file.
  const std::string rotated = "sec-analyst-token-rotated";
  Replace(riskd->config_path(), config::Sha256Hex(kAnalyst), config::Sha256Hex(rotated));
  auto reloaded = Call(api, "POST", "/v1/config:reload", kAdmin);
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_EQ(At(Json(reloaded), "configVersion").string_value(), before) << reloaded.body;
  EXPECT_TRUE(Strings(At(Json(reloaded), "restartRequired")).empty()) << reloaded.body;
  EXPECT_EQ(ScrapedVersion(ops), before);

  // The rotation itself is live: the old token is refused, the new one
  // accepted, and nobody learns either from the version.
  EXPECT_EQ(Call(api, "GET", "/v1/config", kAnalyst).status, 401);
  auto config = Call(api, "GET", "/v1/config", rotated.c_str());
  ASSERT_EQ(config.status, 200) << config.body;
  EXPECT_EQ(At(Json(config), "configVersion").string_value(), before);
  EXPECT_EQ(config.body.find(config::Sha256Hex(rotated)), std::string::npos) << "digests stay redacted";

  // Anything that is not a secret still moves it (the role here).
  Replace(riskd->config_path(), "name: analyst-1, role: analyst", "name: analyst-1, role: support");
  ASSERT_EQ(Call(api, "POST", "/v1/config:reload", kAdmin).status, 200);
  EXPECT_NE(ScrapedVersion(ops), before);
  EXPECT_EQ(riskd->Terminate(), 0);
}

// The false answer: a reload that changes a listener limit and a scoring
// knob. The knob is live; the limit is not (the listener was built at
// startup), so the answer says restartRequired and GET /v1/config shows the
// running 8 with 16 pending — not 16 as if it applied.
TEST_F(ConfigTrustTest, ReloadNamesRestartOnlyKeysAndShowsRunningAndPendingValues) {
  RiskdConfig rc = WithTokens();
  rc.extra_http_yaml = "  max_connections: 8\n";
  auto riskd = NewRiskd("riskd", rc);
  riskd->Start();
  const int api = riskd->http_port();
  ASSERT_TRUE(WaitReady(api, 60s)) << riskd->Stderr();

  // One MFA removal (30 points): an hour later it has decayed just below 30,
  // LOW under the default medium threshold (30), MEDIUM under 25.
  const scoring::EpochMicros at = BaseTime();
  TestProducer producer(bootstrap());
  producer.Produce(kInput, "acct-mfa", JsonValue(MfaRemoved("e-mfa-1", "acct-mfa", at)));
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 60s)) << riskd->Stderr();
  const scoring::EpochMicros as_of = at + scoring::kHour;
  auto level = [&] { return At(Json(GetRisk(api, "acct-mfa", as_of, kAnalyst)), "level").string_value(); };
  EXPECT_EQ(level(), "LOW");

  auto initial = Json(Call(api, "GET", "/v1/config", kAnalyst));
  EXPECT_EQ(At(initial, "config.http.max_connections").number_value(), 8);
  EXPECT_TRUE(Strings(At(initial, "restartRequired")).empty());
  const std::string version = At(initial, "configVersion").string_value();

  Replace(riskd->config_path(), "  max_connections: 8\n", "  max_connections: 16\n");
  {
    std::ofstream out(riskd->config_path(), std::ios::app);
    out << "scoring:\n  thresholds: { medium: 25, high: 60, critical: 85 }\n";
  }
  auto reloaded = Call(api, "POST", "/v1/config:reload", kAdmin);
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  const Struct answer = Json(reloaded);
  EXPECT_EQ(Strings(At(answer, "restartRequired")), std::vector<std::string>{"http.max_connections"})
      << reloaded.body;
  const std::string new_version = At(answer, "configVersion").string_value();
  EXPECT_NE(new_version, version) << "the scoring change is a new config in force";

  // The scoring change is live.
  EXPECT_EQ(level(), "MEDIUM");
  EXPECT_EQ(At(Json(GetRisk(api, "acct-mfa", as_of, kAnalyst)), "configVersion").string_value(), new_version);

  // GET /v1/config: what runs, and what waits for a restart.
  auto shown = Json(Call(api, "GET", "/v1/config", kAnalyst));
  EXPECT_EQ(At(shown, "configVersion").string_value(), new_version);
  EXPECT_EQ(At(shown, "config.http.max_connections").number_value(), 8);
  EXPECT_EQ(At(shown, "config.scoring.thresholds.medium").number_value(), 25);
  EXPECT_EQ(Strings(At(shown, "restartRequired")), std::vector<std::string>{"http.max_connections"});
  const Value pending_value = At(shown, "pending");
  const Struct& pending = pending_value.struct_value();
  ASSERT_TRUE(pending.fields().count("http.max_connections")) << pending.DebugString();
  EXPECT_EQ(pending.fields().at("http.max_connections").number_value(), 16);
  EXPECT_EQ(pending.fields().size(), 1u);

  // Put back, the limit is no longer pending.
  Replace(riskd->config_path(), "  max_connections: 16\n", "  max_connections: 8\n");
  auto back = Call(api, "POST", "/v1/config:reload", kAdmin);
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_TRUE(Strings(At(Json(back), "restartRequired")).empty()) << back.body;
  EXPECT_EQ(At(Json(back), "configVersion").string_value(), new_version);

  // After a restart the file's values are the running ones.
  Replace(riskd->config_path(), "  max_connections: 8\n", "  max_connections: 16\n");
  ASSERT_EQ(riskd->Terminate(), 0);
  riskd->config().extra_http_yaml = "  max_connections: 16\n";
  riskd->config().extra_yaml += "scoring:\n  thresholds: { medium: 25, high: 60, critical: 85 }\n";
  riskd->Start();
  ASSERT_TRUE(WaitReady(api, 60s)) << riskd->Stderr();
  auto restarted = Json(Call(api, "GET", "/v1/config", kAnalyst));
  EXPECT_EQ(At(restarted, "config.http.max_connections").number_value(), 16);
  EXPECT_TRUE(Strings(At(restarted, "restartRequired")).empty());
  EXPECT_EQ(riskd->Terminate(), 0);
}

}  // namespace
}  // namespace riskd::it
