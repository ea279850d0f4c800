// The SPEC section 1 incident and every kind of bad input, end to end: a real
// producer, the real riskd binary, the mock cluster over loopback.
#include <cstdlib>

#include <gtest/gtest.h>

#include "daemon/codec/event_decoder.h"
#include "daemon/codec/json.h"
#include "riskd/v1/risk.pb.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

class IncidentTest : public IntegrationTest {};

TEST_F(IncidentTest, IncidentBecomesARiskUpdateAndDurableState) {
  auto riskd = NewRiskd("riskd");
  riskd->Start();
  TestProducer producer(bootstrap());
  const auto incident = Incident("acct-42", BaseTime());
  for (const auto& e : incident) producer.Produce(kInput, e.account_id(), JsonValue(e));
  // Benign traffic on other accounts around it.
  for (int i = 0; i < 20; ++i) {
    const std::string account = "benign-" + std::to_string(i);
    const auto e = SuccessfulLogin("b-" + std::to_string(i), account, BaseTime() + i * scoring::kMinute, "d-1",
                                   "198.51.100.7", 64500);
    producer.Produce(kInput, account, JsonValue(e));
  }
  ASSERT_EQ(producer.Flush(), 0);

  TopicReader decisions(bootstrap(), kDecisions);
  v1::RiskUpdate update;
  const bool seen = decisions.ReadUntil(
      [&](const auto& messages) {
        for (const auto& m : messages) {
          auto u = codec::FromJson<v1::RiskUpdate>(m.value);
          if (u.ok() && u->trigger_event_id() == "acct-42-chat") {
            update = *u;
            return true;
          }
        }
        return false;
      },
      std::chrono::seconds(60));
  ASSERT_TRUE(seen) << riskd->Stderr();
  EXPECT_EQ(update.account_id(), "acct-42");
  EXPECT_EQ(update.level(), v1::CRITICAL);
  EXPECT_GE(update.score(), 85);
  EXPECT_FALSE(update.config_version().empty());
  bool has_rule = false;
  for (const auto& r : update.reasons()) has_rule |= r.rule() == "email_reset_then_sensitive_request";
  EXPECT_TRUE(has_rule);
  for (const auto& m : decisions.messages()) {
    EXPECT_EQ(HeaderValue(m, "content-type"), "application/json");
  }

  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, std::chrono::seconds(30)));
  EXPECT_EQ(riskd->Terminate(), 0) << "SIGTERM: finish, commit, leave, exit 0";

  const auto state = ReadStateDir(riskd->state_dir().string());
  ASSERT_TRUE(state.accounts.count("acct-42"));
  EXPECT_EQ(state.accounts.size(), 21u);
  const auto report = DefaultEngine().Risk(state.accounts.at("acct-42"), BaseTime() + 3 * scoring::kHour);
  EXPECT_EQ(report.level, scoring::Level::kCritical);
  int64_t stored_offsets = 0;
  for (const auto& [p, topics] : state.offsets) stored_offsets += topics.at(kInput);
  EXPECT_EQ(stored_offsets, 24) << "every consumed offset is in the state store";
  EXPECT_EQ(state.outbox_entries, 0u) << "published entries are deleted after delivery";

  // riskctl backup + restore: the restored directory holds the same state.
  const auto backups = dir_ / "backups";
  const auto restored = dir_ / "restored";
  const std::string riskctl = RiskctlBinary();
  ASSERT_EQ(std::system((riskctl + " backup --state " + riskd->state_dir().string() + " --to " + backups.string() +
                         " >/dev/null").c_str()),
            0);
  ASSERT_EQ(std::system((riskctl + " restore --from " + backups.string() + " --state " + restored.string() +
                         " >/dev/null").c_str()),
            0);
  const auto copy = ReadStateDir(restored.string());
  EXPECT_EQ(copy.offsets, state.offsets);
  ASSERT_EQ(copy.accounts.size(), state.accounts.size());
  for (const auto& [account, s] : state.accounts) EXPECT_TRUE(copy.accounts.at(account) == s) << account;
}

TEST_F(IncidentTest, EveryRejectionReasonIsDeadLetteredAndTheStreamGoesOn) {
  auto riskd = NewRiskd("riskd");
  riskd->Start();
  TestProducer producer(bootstrap(), {{"message.max.bytes", "4000000"}});
  const std::string account = "acct-7";
  const auto at = BaseTime();
  const std::string ts = "\"occurredAt\":" + codec::ToJson(EmailReset("x", account, at).occurred_at());
  auto good = MfaRemoved("good-1", account, at);
  auto future = MfaRemoved("future-1", account, WallNow() + 2 * scoring::kDay);
  struct Bad {
    std::string reason, key, value;
    std::vector<kafka::Header> headers;
  };
  const std::vector<Bad> bad = {
      {"malformed", account, "{not json", {}},
      {"missing_field", account, R"({"accountId":"acct-7",)" + ts + R"(,"login":{"result":"SUCCESS"}})", {}},
      {"invalid_field", account,
       R"({"eventId":")" + std::string(200, 'e') + R"(","accountId":"acct-7",)" + ts + R"(,"login":{"result":"SUCCESS"}})",
       {}},
      {"payload_count", account,
       R"({"eventId":"p1","accountId":"acct-7",)" + ts +
           R"(,"login":{"result":"SUCCESS"},"passwordReset":{"stage":"REQUESTED","channel":"EMAIL"}})",
       {}},
      {"unknown_enum", account, R"({"eventId":"u1","accountId":"acct-7",)" + ts + R"(,"login":{"result":"MAYBE"}})", {}},
      {"key_mismatch", "someone-else", JsonValue(MfaRemoved("k1", account, at)), {}},
      {"future_timestamp", account, JsonValue(future), {}},
      {"unsupported_content_type", account, JsonValue(MfaRemoved("c1", account, at)), {{"content-type", "text/plain"}}},
      {"too_large", account, "{" + std::string(1100 * 1024, ' ') + "}", {}},
  };
  for (const auto& b : bad) producer.Produce(kInput, b.key, b.value, b.headers);
  producer.Produce(kInput, account, ProtoValue(good), {{"content-type", "application/x-protobuf"}});
  ASSERT_EQ(producer.Flush(), 0);

  TopicReader dlq(bootstrap(), kDeadLetters);
  ASSERT_TRUE(dlq.ReadUntil([&](const auto& m) { return m.size() >= bad.size(); }, std::chrono::seconds(60)))
      << "dead letters seen: " << dlq.messages().size() << "\n" << riskd->Stderr();
  for (const auto& b : bad) {
    bool found = false;
    for (const auto& m : dlq.messages()) {
      if (HeaderValue(m, "riskd-error") != b.reason) continue;
      found = true;
      EXPECT_EQ(m.key, b.key) << b.reason;
      if (b.reason == "too_large") {
        EXPECT_EQ(m.value, "") << "too large to republish: the value is left out";
        EXPECT_EQ(HeaderValue(m, "riskd-original-bytes"), std::to_string(b.value.size()));
      } else {
        EXPECT_EQ(m.value, b.value) << b.reason << ": the original value, unchanged";
      }
    }
    EXPECT_TRUE(found) << "no dead letter with riskd-error: " << b.reason;
  }
  EXPECT_EQ(dlq.messages().size(), bad.size());

  TopicReader decisions(bootstrap(), kDecisions);
  ASSERT_TRUE(decisions.ReadUntil(
      [&](const auto& messages) {
        for (const auto& m : messages) {
          auto u = codec::FromJson<v1::RiskUpdate>(m.value);
          if (u.ok() && u->trigger_event_id() == "good-1") return true;
        }
        return false;
      },
      std::chrono::seconds(30)))
      << "the good event after the bad ones is processed";
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, std::chrono::seconds(30)));
  EXPECT_EQ(riskd->Terminate(), 0);
  const auto state = ReadStateDir(riskd->state_dir().string());
  ASSERT_EQ(state.accounts.size(), 1u) << "rejected input never changes state";
  EXPECT_EQ(DefaultEngine().Risk(state.accounts.at(account), at).reasons.size(), 1u);
}

}  // namespace
}  // namespace riskd::it
