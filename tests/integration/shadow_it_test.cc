// Shadow configs in the real riskd (issue 7): a candidate config
// (scoring.shadow_config) runs beside the live one on the mock cluster. Its
// disagreements are counted and sampled in the log, while every live answer
// (state, RiskUpdates, risk, evaluate) is exactly what riskd gives without
// it; reload picks up a changed candidate and refuses a bad one.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>

#include "daemon/clock/clock.h"
#include "daemon/codec/json.h"
#include "daemon/store/state_store.h"
#include "riskd/v1/risk.pb.h"
#include "scoring/proto_enums.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSupport = "it-support-token";
constexpr const char* kAnalyst = "it-analyst-token";
constexpr const char* kAdmin = "it-admin-token";

class ShadowTest : public IntegrationTest {
 protected:
  static std::string Tokens() {
    return TokensYaml({{"support-console", "support", kSupport},
                       {"analyst-1", "analyst", kAnalyst},
                       {"admin-1", "admin", kAdmin}});
  }

  static HttpResponse Call(int port, const std::string& method, const std::string& target, const char* token,
                           const std::string& body = "") {
    std::vector<std::pair<std::string, std::string>> headers{{"Authorization", std::string("Bearer ") + token}};
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    return HttpRequest(port, method, target, body, headers);
  }

  // riskd_shadow_disagreements_total{kind="<kind>"} in a scrape; -1 if absent.
  static double Disagreements(const std::string& scrape, const std::string& kind) {
    const std::string series = "riskd_shadow_disagreements_total{kind=\"" + kind + "\"} ";
    const size_t at = scrape.find(series);
    if (at == std::string::npos) return -1;
    return std::stod(scrape.substr(at + series.size()));
  }

  // The "shadow" object of GET /v1/config.
  struct ShadowInfo {
    bool enabled = false;
    std::string file, version;
    bool operator==(const ShadowInfo&) const = default;
  };
  static ShadowInfo ShadowOfConfig(int api) {
    auto reply = Call(api, "GET", "/v1/config", kAnalyst);
    EXPECT_EQ(reply.status, 200) << reply.body;
    google::protobuf::Struct body;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(reply.body, &body).ok()) << reply.body;
    const auto& shadow = body.fields().at("shadow").struct_value().fields();
    ShadowInfo info;
    info.enabled = shadow.at("enabled").bool_value();
    if (shadow.count("file")) info.file = shadow.at("file").string_value();
    if (shadow.count("configVersion")) info.version = shadow.at("configVersion").string_value();
    return info;
  }

  void WriteFile(const std::filesystem::path& path, const std::string& text) { std::ofstream(path) << text; }
};

TEST_F(ShadowTest, CountsDisagreementsWhileLiveAnswersStayExactlyTheSame) {
  // The candidate: a much lower bar for every level, so that accounts the
  // live config leaves at LOW or MEDIUM are HIGH or CRITICAL to it, and
  // other points for a rule (its firings differ, so would its state).
  const auto candidate = dir_ / "candidate.yaml";
  WriteFile(candidate,
            "scoring: { thresholds: { medium: 10, high: 20, critical: 30 }, rules: { mfa_removed: { points: 80 } } }\n");
  RiskdConfig config;
  config.extra_yaml = Tokens() + "scoring:\n  shadow_config: " + candidate.string() + "\n";
  auto riskd = NewRiskd("riskd", config);
  riskd->Start();
  const int api = riskd->http_port();
  const int ops = riskd->metrics_port();
  ASSERT_TRUE(WaitReady(api, 60s)) << riskd->Stderr();

  // Shadow on, and which candidate, in GET /v1/config.
  const ShadowInfo shadow_before = ShadowOfConfig(api);
  EXPECT_TRUE(shadow_before.enabled);
  EXPECT_EQ(shadow_before.file, candidate.string());
  EXPECT_EQ(shadow_before.version.size(), 16u);
  EXPECT_EQ(Disagreements(Call(ops, "GET", "/metrics", kSupport).body, "level"), 0) << "pre-created";

  // Incidents and a random stream (out of order, retried ids) over Kafka.
  const double scale = TestScale();
  const int events = std::max(1'000, static_cast<int>(4'000 * scale));
  auto stream = RandomStream(/*seed=*/11, events, /*accounts=*/150, BaseTime());
  for (int i = 0; i < 5; ++i) {
    for (auto& e : Incident("victim-" + std::to_string(i), BaseTime() + i * scoring::kHour)) stream.push_back(e);
  }
  TestProducer producer(bootstrap());
  for (const auto& e : stream) producer.Produce(kInput, e.account_id(), ProtoValue(e));
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 120s)) << riskd->Stderr();

  // The reference: riskd without a shadow, computed from the same messages.
  TopicReader input(bootstrap(), kInput);
  ASSERT_TRUE(input.ReadUntil([&](const auto& m) { return m.size() >= stream.size(); }, 60s));
  const auto reference = ComputeReference(input.messages(), DefaultEngine(), WallNow());
  auto unknown = codec::FromJson<v1::RiskResponse>(Call(api, "GET", "/v1/accounts/nobody/risk", kSupport).body);
  ASSERT_TRUE(unknown.ok());
  const std::string live_version = unknown->config_version();

  // Evaluate answers: those of the live config alone. Three days on, scores
  // have decayed to where the two configs' levels (and so decisions) part.
  const scoring::EpochMicros as_of = BaseTime() + 3 * scoring::kDay;
  scoring::EvaluateRequest request;
  request.action = scoring::Action::kSendCredentials;
  request.channel = scoring::RequestChannel::kLiveChat;
  request.deliver_to = scoring::Destination::kPhoneOnFile;
  const std::string body = R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"PHONE_ON_FILE",)"
                           R"("requesterAuthenticated":false,"asOf":")" + Rfc3339(as_of) + "\"}";
  int evaluated = 0;
  for (const auto& [account, state] : reference.accounts) {
    if (evaluated++ % 5 != 0 && account.rfind("victim-", 0) != 0) continue;
    const auto want = DefaultEngine().Evaluate(state, request, as_of);
    // asOf on evaluate is for analysts (support gets 403 asof_not_allowed).
    auto reply = Call(api, "POST", "/v1/accounts/" + account + "/evaluate", kAnalyst, body);
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto got = codec::FromJson<v1::EvaluateResponse>(reply.body);
    ASSERT_TRUE(got.ok()) << reply.body;
    EXPECT_EQ(scoring::FromProto(got->decision()), want.decision) << account;
    EXPECT_EQ(scoring::FromProto(got->level()), want.report.level) << account;
    EXPECT_DOUBLE_EQ(got->score(), want.report.score) << account;
    EXPECT_EQ(got->acceptable_factors_size(), static_cast<int>(want.acceptable_factors.size())) << account;
    EXPECT_EQ(got->config_version(), live_version);
  }

  // RiskUpdates: exactly the live config's, stamped with its version.
  TopicReader decisions(bootstrap(), kDecisions);
  decisions.ReadUntil([&](const auto& m) { return m.size() >= reference.updates.size(); }, 30s);
  std::set<std::pair<std::string, std::string>> published;
  for (const auto& m : decisions.messages()) {
    auto u = codec::FromJson<v1::RiskUpdate>(m.value);
    ASSERT_TRUE(u.ok()) << m.value;
    EXPECT_EQ(u->config_version(), live_version);
    published.emplace(u->account_id(), u->trigger_event_id());
  }
  EXPECT_EQ(published, reference.updates);
  EXPECT_GT(reference.updates.size(), 50u);

  // The candidate disagreed, on events and on evaluate calls.
  const std::string scrape = Call(ops, "GET", "/metrics", kSupport).body;
  EXPECT_GT(Disagreements(scrape, "level"), 0) << scrape;
  EXPECT_GT(Disagreements(scrape, "decision"), 0) << scrape;
  EXPECT_GE(Disagreements(scrape, "update"), 0);
  EXPECT_GE(Disagreements(scrape, "factors"), 0);

  // Reload: a changed candidate is picked up (the live version stays); a bad
  // one is refused naming its problems, and both configs stay.
  WriteFile(candidate, "scoring: { thresholds: { medium: 15, high: 25, critical: 35 } }\n");
  auto reloaded = Call(api, "POST", "/v1/config:reload", kAdmin);
  ASSERT_EQ(reloaded.status, 200) << reloaded.body;
  EXPECT_NE(reloaded.body.find(live_version), std::string::npos) << "live config unchanged";
  const ShadowInfo shadow_after = ShadowOfConfig(api);
  EXPECT_TRUE(shadow_after.enabled);
  EXPECT_NE(shadow_after.version, shadow_before.version);
  WriteFile(candidate, "scoring: { thresholds: { high: 95, critical: 90 }, no_such_knob: 1 }\n");
  auto refused = Call(api, "POST", "/v1/config:reload", kAdmin);
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_NE(refused.body.find("scoring.shadow_config"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("scoring.no_such_knob"), std::string::npos) << refused.body;
  EXPECT_NE(refused.body.find("scoring.thresholds"), std::string::npos) << refused.body;
  EXPECT_TRUE(ShadowOfConfig(api) == shadow_after);

  EXPECT_EQ(riskd->Terminate(), 0);

  // Sampled in the log, rate-limited, without payloads.
  const std::string log = riskd->Stderr();
  size_t samples = 0;
  for (size_t at = 0; (at = log.find("shadow config disagrees", at)) != std::string::npos; ++at) ++samples;
  EXPECT_GT(samples, 0u);
  EXPECT_LT(static_cast<double>(samples), Disagreements(scrape, "level")) << "sampled, not every case";
  EXPECT_LE(samples, 40u) << "at most 5 lines per kind a minute";
  EXPECT_EQ(log.find("198.51."), std::string::npos) << "no event payload in the log";
  EXPECT_EQ(log.find(kSupport), std::string::npos);

  // The stored live states are bit-identical to the reference; the shadow's
  // own states sit beside them under their own key.
  const auto stored = ReadStateDir(riskd->state_dir().string());
  ASSERT_EQ(stored.accounts.size(), reference.accounts.size());
  EXPECT_EQ(CountMismatches(stored, reference, DefaultEngine(), WallNow()), 0);
  SystemClock clock;
  store::StoreOptions options;
  options.dir = riskd->state_dir().string();
  options.clock = &clock;
  options.read_only = true;
  auto store = store::StateStore::Open(options);
  ASSERT_TRUE(store.ok()) << store.error().message;
  const auto& [victim, partition] = *stored.partition_of.find("victim-0");
  auto shadow = (*store)->GetShadowAccount(partition, victim);
  ASSERT_TRUE(shadow.ok());
  ASSERT_TRUE(shadow->has_value());
  EXPECT_EQ((*shadow)->config_version.size(), 16u);
}

}  // namespace
}  // namespace riskd::it
