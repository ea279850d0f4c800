// Peer trust (issue 14, points 1 and 2). Whatever can write to Kafka or
// reach an instance's port must not be able to:
//   * redirect forwarded requests with a forged membership record (unsigned,
//     signed with another secret, or published in the future) and answer in
//     the owner's place (an account pinned COMPROMISED evaluated ALLOW);
//   * collect the bearer tokens of support and analysts from forwarded
//     requests: a peer receives the caller's name and role, signed;
//   * pass for a peer with forged Riskd-* forwarding headers;
//   * rewrite an account's state with a forged changelog record that a
//     restoring instance applies;
// and with http.tls peers must reach each other over TLS, while
// --check-config refuses a config that would forward in clear.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "daemon/kafka/partitioner.h"
#include "daemon/trust/record_signer.h"
#include "daemon/trust/request_signer.h"
#include "tests/daemon/http/test_client.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;
constexpr const char* kSupportToken = "peer-trust-support-token-7f3a";
constexpr const char* kAnalystToken = "peer-trust-analyst-token-91c2";
constexpr const char* kMembers = "riskd-members";  // group "riskd"'s membership topic
constexpr const char* kSendCredentials =
    R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT","deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false})";

// An HTTP "peer" an attacker runs: records every request's raw bytes and
// answers ALLOW to anything.
class FakePeer {
 public:
  FakePeer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 16);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~FakePeer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Run() {
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      timeval tv{2, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::string in;
      char buf[4096];
      // Header, then Content-Length bytes of body.
      for (;;) {
        const size_t end = in.find("\r\n\r\n");
        if (end != std::string::npos) {
          size_t length = 0;
          std::string lower = in.substr(0, end);
          for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          if (auto at = lower.find("content-length:"); at != std::string::npos) length = std::stoul(lower.substr(at + 15));
          if (in.size() >= end + 4 + length) break;
        }
        const ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
      }
      {
        std::lock_guard lock(mu_);
        requests_.push_back(in);
      }
      const std::string body =
          R"({"decisionId":"00000000000000000000000000000000","decision":"ALLOW","score":0,"level":"LOW"})";
      const std::string out = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nRiskd-Instance: attacker\r\n"
                              "Connection: close\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body;
      ::send(c, out.data(), out.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> requests_;
};

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class PeerTrustTest : public IntegrationTest {
 protected:
  static RiskdConfig Config(const std::string& instance) {
    RiskdConfig c;
    c.instance_id = instance;
    c.kafka_properties = {{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
    c.extra_yaml = TokensYaml({{"support", "support", kSupportToken}, {"analyst", "analyst", kAnalystToken}});
    c.cluster_yaml = "  heartbeat_interval: 500ms\n  member_ttl: 3s\n";
    return c;
  }

  static trust::ClusterKey TestKey(const std::string& secret = RiskdConfig::kTestClusterSecret) {
    return std::move(*trust::ClusterKey::FromSecret(secret));
  }

  // A membership record claiming every partition, newest `since`, for an
  // instance at `url`.
  static std::string MemberJson(const std::string& id, const std::string& url, scoring::EpochMicros since,
                                scoring::EpochMicros published) {
    std::string claims;
    for (int p = 0; p < kPartitions; ++p) {
      claims += std::string(p ? "," : "") + R"({"partition":)" + std::to_string(p) +
                R"(,"state":"SERVING","sinceMicros":")" + std::to_string(since) + R"("})";
    }
    return R"({"instanceId":")" + id + R"(","advertisedUrl":")" + url + R"(","partitionCount":)" +
           std::to_string(kPartitions) + R"(,"claims":[)" + claims + R"(],"publishedAtMicros":")" +
           std::to_string(published) + R"("})";
  }

  static std::vector<kafka::Header> Signed(const trust::ClusterKey& key, trust::RecordTopic topic, int32_t partition,
                                           const std::string& k, const std::optional<std::string>& value) {
    std::vector<trust::Header> headers;
    trust::SignRecord(key, {topic, partition, k, value ? std::optional<std::string_view>(*value) : std::nullopt},
                      &headers);
    return headers;
  }

  static double Metric(int metrics_port, const std::string& series) {
    const std::string scrape = HttpRequest(metrics_port, "GET", "/metrics").body;
    const size_t at = scrape.find(series + " ");
    return at == std::string::npos ? -1 : std::atof(scrape.c_str() + at + series.size() + 1);
  }

  static std::string Decision(int port, const std::string& account, std::string* instance = nullptr) {
    HttpResponse r = HttpRequest(port, "POST", "/v1/accounts/" + account + "/evaluate", kSendCredentials,
                                 {{"Authorization", std::string("Bearer ") + kSupportToken}});
    if (instance) *instance = Header(r, "Riskd-Instance");
    if (r.status != 200) return "status " + std::to_string(r.status) + ": " + r.body;
    for (const char* d : {"ALLOW", "STEP_UP", "DENY"}) {
      if (r.body.find(std::string("\"decision\":\"") + d + "\"") != std::string::npos) return d;
    }
    return r.body;
  }

  static int Pin(int port, const std::string& account, const std::string& label) {
    return HttpRequest(port, "POST", "/v1/accounts/" + account + "/feedback", R"({"label":")" + label + R"("})",
                       {{"Authorization", std::string("Bearer ") + kAnalystToken}})
        .status;
  }

  std::string Logs(const std::vector<RiskdProcess*>& ps) {
    std::string out;
    for (auto* p : ps) out += "--- " + p->dir().string() + "\n" + p->Stderr().substr(0, 20000);
    return out;
  }
};

// (a) A forged membership record (unsigned; signed with another secret;
// signed right but published an hour ahead) claiming every partition with
// the newest `since` does not redirect anything: the pinned account is
// DENY through every instance, the attacker's listener sees no request, and
// riskd_untrusted_records_total{topic="membership"} counts each record.
TEST_F(PeerTrustTest, ForgedMembershipRecordsDoNotRedirectForwarding) {
  auto a = NewRiskd("a", Config("riskd-a"));
  auto b = NewRiskd("b", Config("riskd-b"));
  a->Start();
  b->Start();
  const auto accounts = OneAccountPerPartition(200, kPartitions);
  ASSERT_TRUE(WaitAllServed({a->http_port(), b->http_port()}, accounts, kSupportToken, 120s))
      << Logs({a.get(), b.get()});
  for (const auto& account : accounts) ASSERT_EQ(Pin(a->http_port(), account, "COMPROMISED"), 200) << account;
  for (const auto& account : accounts) {
    ASSERT_EQ(Decision(a->http_port(), account), "DENY");
    ASSERT_EQ(Decision(b->http_port(), account), "DENY");
  }

  FakePeer attacker;
  const std::string url = "http://127.0.0.1:" + std::to_string(attacker.port());
  const auto hour_ahead = WallNow() + 3600 * scoring::kSecond;
  TestProducer producer(bootstrap());
  // Unsigned.
  const std::string forged = MemberJson("attacker", url, hour_ahead, hour_ahead);
  producer.ProduceTo(kMembers, 0, "attacker", forged);
  // Signed with a secret the attacker made up.
  const std::string other = MemberJson("attacker-2", url, hour_ahead, hour_ahead);
  producer.ProduceTo(kMembers, 0, "attacker-2", other,
                     Signed(TestKey("a-secret-the-attacker-made-up"), trust::RecordTopic::kMembership, 0,
                            "attacker-2", other));
  // Signed with the right secret (a leaked old record, a clock far ahead)
  // but published an hour in the future.
  const std::string future = MemberJson("attacker-3", url, hour_ahead, hour_ahead);
  producer.ProduceTo(kMembers, 0, "attacker-3", future,
                     Signed(TestKey(), trust::RecordTopic::kMembership, 0, "attacker-3", future));
  ASSERT_EQ(producer.Flush(), 0);

  // Both instances have read the records (or, before the fix, taken them
  // in): then every answer still comes from an instance of the group.
  auto untrusted = [&](RiskdProcess& p) {
    return Metric(p.metrics_port(), R"(riskd_untrusted_records_total{topic="membership"})");
  };
  WaitFor([&] { return untrusted(*a) >= 3 && untrusted(*b) >= 3; }, 15s);
  std::this_thread::sleep_for(1s);  // several reads of the topic later
  for (const auto& account : accounts) {
    for (int port : {a->http_port(), b->http_port()}) {
      std::string instance;
      EXPECT_EQ(Decision(port, account, &instance), "DENY") << account << " via " << port;
      EXPECT_TRUE(instance == "riskd-a" || instance == "riskd-b") << instance;
    }
  }
  EXPECT_TRUE(attacker.requests().empty()) << attacker.requests().front();
  EXPECT_EQ(untrusted(*a), 3);
  EXPECT_EQ(untrusted(*b), 3);
}

// (b) A peer never receives the client's bearer token. A legitimate,
// signed membership record (the test knows the secret) points every
// partition at a listener the test runs; what arrives there carries the
// caller's name and role, signed, and no Authorization and no token bytes.
TEST_F(PeerTrustTest, APeerNeverReceivesTheBearerToken) {
  auto a = NewRiskd("a", Config("riskd-a"));
  auto b = NewRiskd("b", Config("riskd-b"));
  a->Start();
  b->Start();
  const auto accounts = OneAccountPerPartition(200, kPartitions);
  ASSERT_TRUE(WaitAllServed({a->http_port(), b->http_port()}, accounts, kSupportToken, 120s))
      << Logs({a.get(), b.get()});

  FakePeer peer;
  const std::string url = "http://127.0.0.1:" + std::to_string(peer.port());
  const trust::ClusterKey key = TestKey();
  const scoring::EpochMicros since = WallNow();
  std::atomic<bool> stop{false};
  // Heartbeats, as a live instance would publish them.
  std::thread heartbeat([&] {
    TestProducer producer(bootstrap());
    while (!stop) {
      const std::string record = MemberJson("listener", url, since, WallNow());
      producer.ProduceTo(kMembers, 0, "listener", record,
                         Signed(key, trust::RecordTopic::kMembership, 0, "listener", record));
      producer.Flush();
      std::this_thread::sleep_for(300ms);
    }
  });
  // Each instance forwards the partitions it does not serve to "listener".
  ASSERT_TRUE(WaitFor([&] {
    for (const auto& account : accounts) {
      for (int port : {a->http_port(), b->http_port()}) {
        GetRisk(port, account, BaseTime(), kSupportToken);
        Decision(port, account);
      }
    }
    return peer.requests().size() >= 4;
  }, 60s)) << Logs({a.get(), b.get()});
  stop = true;
  heartbeat.join();

  for (const std::string& raw : peer.requests()) {
    const std::string lower = Lower(raw);
    EXPECT_EQ(lower.find("authorization:"), std::string::npos) << raw;
    EXPECT_EQ(raw.find(kSupportToken), std::string::npos) << raw;
    EXPECT_EQ(raw.find(kAnalystToken), std::string::npos) << raw;
    EXPECT_EQ(lower.find("bearer"), std::string::npos) << raw;
    EXPECT_NE(lower.find("riskd-caller: support\r\n"), std::string::npos) << raw;
    EXPECT_NE(lower.find("riskd-caller-role: support\r\n"), std::string::npos) << raw;
    EXPECT_NE(lower.find("riskd-signature: "), std::string::npos) << raw;
  }
}

// (c) Forwarding headers sent by an outsider straight to an instance are
// not trusted: 401, whatever else the request carries (a valid support
// token included), and no caller they name is audited.
TEST_F(PeerTrustTest, ForgedForwardingHeadersFromOutsideAre401) {
  auto a = NewRiskd("a", Config("riskd-a"));
  a->Start();
  ASSERT_TRUE(WaitReady(a->http_port(), 60s)) << a->Stderr();
  const std::string account = "acct-outsider";
  ASSERT_EQ(GetRisk(a->http_port(), account, BaseTime(), kSupportToken).status, 200);

  const auto now = std::to_string(WallNow());
  const std::vector<std::pair<std::string, std::string>> forged = {
      {"Riskd-Forwarded-By", "riskd-b"}, {"Riskd-Caller", "root"}, {"Riskd-Caller-Role", "admin"},
      {"Riskd-Forwarded-At", now}, {"Riskd-Signature", std::string(64, 'a')}};
  auto with = [&](std::vector<std::pair<std::string, std::string>> headers, bool token) {
    if (token) headers.emplace_back("Authorization", std::string("Bearer ") + kSupportToken);
    return headers;
  };
  // A support token plus forged headers claiming admin: not an admin, not
  // even support: refused.
  EXPECT_EQ(HttpRequest(a->http_port(), "GET", "/v1/accounts/" + account + "/risk", "", with(forged, true)).status, 401);
  EXPECT_EQ(HttpRequest(a->http_port(), "GET", "/v1/config", "", with(forged, true)).status, 401);
  EXPECT_EQ(HttpRequest(a->http_port(), "POST", "/v1/accounts/" + account + "/evaluate", kSendCredentials,
                        with(forged, false))
                .status,
            401);
  // Just the hop header beside a valid token.
  EXPECT_EQ(HttpRequest(a->http_port(), "GET", "/v1/accounts/" + account + "/risk", "",
                        with({{"Riskd-Forwarded-By", "riskd-b"}}, true))
                .status,
            401);
  // A signature under another secret.
  const trust::ClusterKey other = TestKey("the-attacker-s-own-secret-1234");
  const std::string target = "/v1/accounts/" + account + "/feedback";
  const std::string body = R"({"label":"LEGITIMATE"})";
  const trust::ForwardedRequest identity{"riskd-b", "riskd-a", "root", "admin", now, "POST", target, body};
  EXPECT_EQ(HttpRequest(a->http_port(), "POST", target, body,
                        {{"Riskd-Forwarded-By", "riskd-b"}, {"Riskd-Caller", "root"}, {"Riskd-Caller-Role", "admin"},
                         {"Riskd-Forwarded-At", now}, {"Riskd-Signature", trust::SignForwarded(other, identity)}})
                .status,
            401);
  // The same, signed with the cluster secret, is a peer's request: accepted.
  EXPECT_EQ(HttpRequest(a->http_port(), "POST", target, body,
                        {{"Riskd-Forwarded-By", "riskd-b"}, {"Riskd-Caller", "root"}, {"Riskd-Caller-Role", "admin"},
                         {"Riskd-Forwarded-At", now}, {"Riskd-Signature", trust::SignForwarded(TestKey(), identity)}})
                .status,
            200);
  ASSERT_EQ(a->Terminate(), 0);
  FILE* audit = ::popen((std::string(RiskctlBinary()) + " audit --state " + a->state_dir().string()).c_str(), "r");
  ASSERT_NE(audit, nullptr);
  std::string trail;
  char line[4096];
  while (std::fgets(line, sizeof line, audit)) trail += line;
  ::pclose(audit);
  // One feedback, by the signed caller, naming the peer that forwarded it.
  EXPECT_EQ(Count(trail, "\"what\":\"feedback\""), 1) << trail;
  EXPECT_NE(trail.find("forwardedBy"), std::string::npos) << trail;
}

// (d) A forged changelog record (an unsigned tombstone that would erase a
// pinned account's state) is not applied by an instance restoring into an
// empty state directory, and is counted.
TEST_F(PeerTrustTest, AForgedChangelogRecordIsNotRestored) {
  const std::string account = "acct-pinned";
  auto a = NewRiskd("a", Config("riskd-a"));
  a->Start();
  ASSERT_TRUE(WaitReady(a->http_port(), 60s)) << a->Stderr();
  TestProducer producer(bootstrap());
  producer.Produce(kInput, account, JsonValue(EmailReset("e-1", account, BaseTime())));
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "riskd", kInput, 60s)) << a->Stderr();
  ASSERT_EQ(Pin(a->http_port(), account, "COMPROMISED"), 200);
  ASSERT_EQ(Decision(a->http_port(), account), "DENY");
  ASSERT_EQ(a->Terminate(), 0) << a->Stderr();  // a clean leave publishes the changelog backlog

  // Erase it: an unsigned tombstone, and one signed with another secret,
  // on its changelog partition, after everything riskd wrote.
  const int32_t partition = kafka::PartitionForKey(kafka::Partitioner::kConsistentRandom, account, kPartitions);
  producer.ProduceTo(kChangelog, partition, account, "", {}, /*null_value=*/true);
  producer.ProduceTo(kChangelog, partition, account, "",
                     Signed(TestKey("a-secret-the-attacker-made-up"), trust::RecordTopic::kChangelog, partition,
                            account, std::nullopt),
                     /*null_value=*/true);
  ASSERT_EQ(producer.Flush(), 0);

  auto b = NewRiskd("b", Config("riskd-b"));
  b->Start();
  // Only the account's partition has records to restore.
  ASSERT_TRUE(WaitFor([&] { return Count(b->Stderr(), "partition restored") >= 1; }, 120s)) << b->Stderr();
  ASSERT_TRUE(WaitReady(b->http_port(), 60s)) << b->Stderr();
  EXPECT_EQ(Decision(b->http_port(), account), "DENY") << b->Stderr();
  EXPECT_GE(Metric(b->metrics_port(), R"(riskd_untrusted_records_total{topic="changelog"})"), 2);
  EXPECT_EQ(Metric(b->metrics_port(), R"(riskd_untrusted_records_total{topic="membership"})"), 0);
}

// (e) With http.tls and a test CA, two instances forward to each other over
// TLS (advertised https:// by default) and every account answers 200
// through both; --check-config refuses an http:// advertised URL with TLS.
TEST_F(PeerTrustTest, TlsPeersForwardOverVerifiedTls) {
  const std::string pki = (dir_ / "pki").string();
  std::filesystem::create_directories(pki);
  const std::string make =
      "cd " + pki + " && printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && "
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem "
      "-days 2 -subj /CN=riskd-test-ca 2>/dev/null && "
      "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout peer.key -out peer.csr "
      "-subj /CN=127.0.0.1 2>/dev/null && "
      "openssl x509 -req -in peer.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out peer.pem -days 2 "
      "-extfile san.ext 2>/dev/null";
  ASSERT_EQ(std::system(make.c_str()), 0) << make;
  const std::string tls_yaml = "  tls:\n    cert_file: " + pki + "/peer.pem\n    key_file: " + pki + "/peer.key\n";

  // Refused: TLS on, peers told to come in clear.
  {
    const std::string config = (dir_ / "clear.yaml").string();
    std::ofstream(config) << "http:\n  listen: 127.0.0.1:0\n" << tls_yaml
                          << "  advertised_url: \"http://127.0.0.1:8080\"\n";
    FILE* check = ::popen((std::string(RiskdBinary()) + " --check-config " + config + " 2>&1").c_str(), "r");
    ASSERT_NE(check, nullptr);
    std::string out;
    char line[4096];
    while (std::fgets(line, sizeof line, check)) out += line;
    const int status = ::pclose(check);
    EXPECT_NE(status, 0) << out;
    EXPECT_NE(out.find("http.advertised_url"), std::string::npos) << out;
  }

  auto config = [&](const std::string& instance) {
    RiskdConfig c = Config(instance);
    c.extra_http_yaml = tls_yaml;
    c.cluster_yaml += "  peer_ca_file: " + pki + "/ca.pem\n";
    return c;
  };
  auto a = NewRiskd("a", config("riskd-a"));
  auto b = NewRiskd("b", config("riskd-b"));
  a->Start();
  b->Start();
  const http::testing::TlsClientOptions tls{pki + "/ca.pem"};
  const auto accounts = OneAccountPerPartition(200, kPartitions);
  int forwarded = 0;
  auto all_served = [&] {
    forwarded = 0;
    for (const auto& account : accounts) {
      for (int port : {a->http_port(), b->http_port()}) {
        auto r = http::testing::Call(static_cast<uint16_t>(port), "GET", "/v1/accounts/" + account + "/risk",
                                     kSupportToken, "", tls);
        if (r.status != 200) return false;
        forwarded += !r.header("riskd-via").empty();
      }
    }
    return true;
  };
  ASSERT_TRUE(WaitFor(all_served, 120s)) << Logs({a.get(), b.get()});
  EXPECT_GT(forwarded, 0) << "both instances serve partitions, so some answers are forwarded";
  EXPECT_NE(a->Stderr().find("https://127.0.0.1:" + std::to_string(a->http_port())), std::string::npos)
      << "advertised as https by default";
}

}  // namespace
}  // namespace riskd::it
