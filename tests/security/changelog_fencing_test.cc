// Attack: a zombie owner's changelog write. An owner cut off from the
// broker keeps its queued changelog records; they can land after the next
// owner's records for the same account, and a restore or standby that
// applies them in order rebuilds the account as the zombie last saw it:
// here, without the taint of an email reset the new owner applied.
//
// The mock cluster cannot cut one client off while the others keep the
// broker (its faults hit every client), so the late landing is made
// exactly: the test takes the zombie's genuine record (key, value and
// headers as the old owner wrote them, signature included) and writes it
// to the changelog again after the new owner's. Readers must drop it: it
// carries an older ownership epoch than a record they already applied.
#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/codec/json.h"
#include "riskd/v1/risk.pb.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSupport = "sec-support-token";

class ChangelogFencingTest : public IntegrationTest {
 protected:
  static RiskdConfig WithTokens() {
    RiskdConfig config;
    config.extra_yaml = TokensYaml({{"support-console", "support", kSupport}});
    return config;
  }

  // The account's newest changelog record written by someone other than
  // `not_writer` ("" : anyone), read from the beginning.
  std::optional<kafka::ConsumedMessage> NewestRecord(const std::string& account, const std::string& not_writer) {
    TopicReader reader(bootstrap(), kChangelog);
    std::optional<kafka::ConsumedMessage> found;
    reader.ReadUntil(
        [&](const auto& messages) {
          for (const auto& m : messages) {
            if (m.key == account && !m.null_value && HeaderValue(m, "riskd-writer") != not_writer) found = m;
          }
          return found.has_value();
        },
        30s);
    return found;
  }

  static HttpResponse Risk(int port, const std::string& account) {
    return HttpRequest(port, "GET", "/v1/accounts/" + account + "/risk", "", {{"Authorization", std::string("Bearer ") + kSupport}},
                       10s);
  }

  static double Fenced(RiskdProcess& riskd) {
    return MetricSum(HttpRequest(riskd.metrics_port(), "GET", "/metrics").body, "riskd_changelog_fenced_records_total");
  }

  static bool EmailTainted(const HttpResponse& risk) {
    auto parsed = codec::FromJson<v1::RiskResponse>(risk.body);
    if (!parsed.ok()) return false;
    const auto& f = parsed->tainted_factors();
    return std::find(f.begin(), f.end(), v1::EMAIL_OTP) != f.end();
  }
};

TEST_F(ChangelogFencingTest, ZombieRecordLandingAfterTheNewOwnersIsDropped) {
  const std::string account = "zombie-acct-1";
  const auto t0 = BaseTime();
  TestProducer producer(bootstrap());

  // Owner A: the account before the email reset.
  auto a = NewRiskd("a", WithTokens());
  a->Start();
  ASSERT_TRUE(WaitReady(a->http_port(), 90s)) << a->Stderr();
  producer.Produce(kInput, account, JsonValue(SuccessfulLogin("z-1", account, t0, "dev-1", "198.51.100.7", 64500)));
  ASSERT_EQ(producer.Flush(), 0);
  auto zombie = NewestRecord(account, "");
  ASSERT_TRUE(zombie) << "A never published the account";
  const std::string a_writer = HeaderValue(*zombie, "riskd-writer");
  ASSERT_EQ(a->Terminate(), 0);

  // Owner B takes the partition over and applies the email reset.
  auto b = NewRiskd("b", WithTokens());
  b->Start();
  ASSERT_TRUE(WaitReady(b->http_port(), 90s)) << b->Stderr();
  producer.Produce(kInput, account, JsonValue(EmailReset("z-2", account, t0 + 60 * scoring::kSecond)));
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 60s)) << b->Stderr();
  ASSERT_TRUE(WaitFor([&] { return EmailTainted(Risk(b->http_port(), account)); }, 30s));
  auto newer = NewestRecord(account, a_writer);
  ASSERT_TRUE(newer) << "B never published the account";

  // The zombie's record lands late: after B's.
  producer.ProduceTo(kChangelog, zombie->partition, zombie->key, zombie->value, zombie->headers);
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_EQ(b->Terminate(), 0);

  // C rebuilds the partition from the changelog alone (empty state dir):
  // the account keeps its taint.
  auto c = NewRiskd("c", WithTokens());
  c->Start();
  ASSERT_TRUE(WaitReady(c->http_port(), 90s)) << c->Stderr();
  const auto risk = Risk(c->http_port(), account);
  ASSERT_EQ(risk.status, 200) << risk.body;
  EXPECT_TRUE(EmailTainted(risk)) << "restored as the zombie saw it: " << risk.body;
  EXPECT_GE(Fenced(*c), 1);

  // Both owners stamped their ownership epoch; B's is the greater.
  const std::string a_epoch = HeaderValue(*zombie, "riskd-epoch");
  const std::string b_epoch = HeaderValue(*newer, "riskd-epoch");
  ASSERT_FALSE(a_epoch.empty());
  ASSERT_FALSE(b_epoch.empty());
  EXPECT_LT(std::stoll(a_epoch), std::stoll(b_epoch));
  EXPECT_EQ(c->Terminate(), 0);
}

TEST_F(ChangelogFencingTest, StandbyDropsTheZombieRecordToo) {
  // The same late landing, read by a standby replica that follows the
  // partition while B owns it; then B dies and the standby takes over.
  const std::string account = "zombie-acct-2";
  const auto t0 = BaseTime();
  TestProducer producer(bootstrap());
  auto a = NewRiskd("a", WithTokens());
  a->Start();
  ASSERT_TRUE(WaitReady(a->http_port(), 90s)) << a->Stderr();
  producer.Produce(kInput, account, JsonValue(SuccessfulLogin("s-1", account, t0, "dev-1", "198.51.100.7", 64500)));
  ASSERT_EQ(producer.Flush(), 0);
  auto zombie = NewestRecord(account, "");
  ASSERT_TRUE(zombie);
  const std::string a_writer = HeaderValue(*zombie, "riskd-writer");
  ASSERT_EQ(a->Terminate(), 0);

  RiskdConfig config = WithTokens();
  config.standby_replicas = 1;
  auto b = NewRiskd("b", config);
  b->Start();
  ASSERT_TRUE(WaitReady(b->http_port(), 90s)) << b->Stderr();
  producer.Produce(kInput, account, JsonValue(EmailReset("s-2", account, t0 + 60 * scoring::kSecond)));
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 60s)) << b->Stderr();
  ASSERT_TRUE(NewestRecord(account, a_writer));

  // D joins: with two instances and one standby replica each follows the
  // partitions the other owns.
  auto d = NewRiskd("d", config);
  d->Start();
  ASSERT_TRUE(WaitFor([&] {
    const auto scrape = HttpRequest(d->metrics_port(), "GET", "/metrics").body;
    return MetricSum(scrape, "riskd_standby_partitions") >= 1;
  }, 90s)) << d->Stderr();
  producer.ProduceTo(kChangelog, zombie->partition, zombie->key, zombie->value, zombie->headers);
  ASSERT_EQ(producer.Flush(), 0);
  // Whichever instance follows the partition as a standby drops it.
  ASSERT_TRUE(WaitFor([&] { return Fenced(*b) + Fenced(*d) >= 1; }, 60s)) << d->Stderr();
  // B dies; D serves every partition, the account with its taint.
  b->Kill();
  ASSERT_TRUE(WaitFor([&] {
    const auto risk = Risk(d->http_port(), account);
    return risk.status == 200 && EmailTainted(risk);
  }, 120s)) << d->Stderr();
  EXPECT_EQ(d->Terminate(), 0);
}

}  // namespace
}  // namespace riskd::it
