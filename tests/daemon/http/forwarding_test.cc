// The API's side of scale-out: authenticate here, then answer locally,
// forward to the owner (whose Riskd-Instance comes back, with Riskd-Via)
// with the caller's identity and never the token, or answer 503 +
// Retry-After; a forwarded request is authenticated by its signature (401
// when forged, unsigned, stale or for another instance), role-checked, and
// never forwarded again; every response names the instance that answered.
// The routing is an in-memory AccountRouting; daemon/cluster's is tested in
// tests/daemon/cluster.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "daemon/trust/request_signer.h"
#include "tests/daemon/http/api_fixture.h"

namespace riskd::http::testing {
namespace {

// Accounts "remote-*" live on instance "peer-1", "gone-*" nowhere; the rest here.
class FakeRouting final : public AccountRouting {
 public:
  const std::string& instance_id() const override { return id_; }

  Placement Place(std::string_view account_id, bool forwarded) override {
    std::lock_guard lock(mu_);
    placed_forwarded.push_back(forwarded);
    Placement p;
    if (account_id.starts_with("remote-")) {
      if (forwarded) return {Placement::Kind::kUnavailable, "", "", "not served here (forwarded)"};
      return {Placement::Kind::kForward, "peer-1", "http://127.0.0.1:1", ""};
    }
    if (account_id.starts_with("gone-")) return {Placement::Kind::kUnavailable, "", "", "no live instance serves it"};
    return p;
  }

  void Forward(const Request& request, const config::Principal& caller, const Placement& placement,
               std::function<void(Response)> done) override {
    {
      std::lock_guard lock(mu_);
      forwarded.push_back(request);
      callers.push_back(caller);
    }
    // Answered from another thread, as the real forwarder does.
    std::lock_guard lock(mu_);
    threads_.emplace_back([done = std::move(done), owner = placement.instance_id] {
      Response r;
      r.body = R"({"accountId":"remote-1","known":false})";
      r.headers.emplace_back(std::string(kInstanceHeader), owner);
      done(std::move(r));
    });
  }

  // Before the server goes: the answers hold its connections.
  void Join() {
    std::lock_guard lock(mu_);
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  std::mutex mu_;
  std::vector<Request> forwarded;
  std::vector<config::Principal> callers;
  std::vector<bool> placed_forwarded;

 private:
  std::vector<std::thread> threads_;
  std::string id_ = "self-0";
};

class ForwardingTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    StartServer({}, ApiOptions{.routing = &routing_, .cluster_key = &key_});
  }

  // A request as peer "peer-2" would forward it to this instance ("self-0").
  std::string PeerRequest(const std::string& method, const std::string& target, const std::string& body,
                          const std::string& caller, const std::string& role, int64_t at,
                          const trust::ClusterKey& key, const std::string& to = "self-0") {
    const std::string at_text = std::to_string(at);
    const trust::ForwardedRequest identity{"peer-2", to, caller, role, at_text, method, target, body};
    std::string text = method + " " + target + " HTTP/1.1\r\nHost: x\r\n";
    text += "Riskd-Forwarded-By: peer-2\r\nRiskd-Caller: " + caller + "\r\nRiskd-Caller-Role: " + role +
            "\r\nRiskd-Forwarded-At: " + at_text + "\r\nRiskd-Signature: " + trust::SignForwarded(key, identity) +
            "\r\n";
    if (!body.empty()) text += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    return text + "\r\n" + body;
  }
  Reply Raw(const std::string& text) {
    auto c = Connection::Open(port());
    EXPECT_TRUE(c);
    if (!c || !c->Send(text)) return Reply{};
    auto r = c->Read();
    return r ? *r : Reply{};
  }

  trust::ClusterKey key_ = std::move(*trust::ClusterKey::FromSecret("forwarding-test-cluster-secret"));
  void TearDown() override {
    routing_.Join();
    ApiTest::TearDown();
  }
  FakeRouting routing_;
};

TEST_F(ForwardingTest, LocalAccountIsAnsweredHereAndSaysSo) {
  Reply r = Get("/v1/accounts/acct-1/risk", kSupportToken);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("riskd-instance"), "self-0");
  EXPECT_EQ(r.header("riskd-via"), "");
  EXPECT_TRUE(routing_.forwarded.empty());
}

TEST_F(ForwardingTest, RemoteAccountIsForwardedWithTheCallerAuthenticatedHere) {
  Reply r = Get("/v1/accounts/remote-1/risk?asOf=2026-11-28T12:00:00Z", kSupportToken);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("riskd-instance"), "peer-1");
  EXPECT_EQ(r.header("riskd-via"), "self-0");
  ASSERT_EQ(routing_.forwarded.size(), 1u);
  const Request& sent = routing_.forwarded[0];
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.target, "/v1/accounts/remote-1/risk?asOf=2026-11-28T12:00:00Z");
  // The routing gets the caller (it signs them for the owner); the
  // forwarder never sends the request's Authorization (forwarder_test).
  ASSERT_EQ(routing_.callers.size(), 1u);
  EXPECT_EQ(routing_.callers[0].name, kSupportName);
  EXPECT_EQ(routing_.callers[0].role, config::Role::kSupport);
}

TEST_F(ForwardingTest, EvaluateBodyTravelsToo) {
  const std::string body = R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT"})";
  Reply r = Post("/v1/accounts/remote-2/evaluate", body, kSupportToken);
  EXPECT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(routing_.forwarded.size(), 1u);
  EXPECT_EQ(routing_.forwarded[0].body, body);
  EXPECT_EQ(routing_.forwarded[0].method, "POST");
}

TEST_F(ForwardingTest, AuthenticatedAndAuthorizedHereBeforeForwarding) {
  EXPECT_EQ(Get("/v1/accounts/remote-1/risk").status, 401);
  EXPECT_EQ(Get("/v1/accounts/remote-1/risk", "wrong-token").status, 401);
  // feedback needs analyst; a support token is refused here, not at the owner.
  EXPECT_EQ(Post("/v1/accounts/remote-1/feedback", R"({"label":"LEGITIMATE"})", kSupportToken).status, 403);
  EXPECT_TRUE(routing_.forwarded.empty());
}

TEST_F(ForwardingTest, BadAccountIdIsRefusedHere) {
  const std::string long_id(129, 'a');
  EXPECT_EQ(Get("/v1/accounts/" + long_id + "/risk", kSupportToken).status, 400);
  EXPECT_TRUE(routing_.forwarded.empty());
}

TEST_F(ForwardingTest, NoOwnerIs503WithRetryAfterAndTheReason) {
  Reply r = Get("/v1/accounts/gone-1/risk", kSupportToken);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("retry-after"), "1");
  EXPECT_EQ(r.header("riskd-instance"), "self-0");
  EXPECT_NE(r.body.find("UNAVAILABLE"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("no live instance"), std::string::npos) << r.body;
}

TEST_F(ForwardingTest, ASignedForwardedRequestIsNeverForwardedAgain) {
  Reply r = Raw(PeerRequest("GET", "/v1/accounts/remote-1/risk", "", std::string(kSupportName), "support", TestNow(),
                            key_));
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_TRUE(routing_.forwarded.empty());
  ASSERT_FALSE(routing_.placed_forwarded.empty());
  EXPECT_TRUE(routing_.placed_forwarded.back());
}

TEST_F(ForwardingTest, ASignedForwardedRequestIsAnsweredAndAuditedAsItsCaller) {
  const std::string body = R"({"action":"SEND_CREDENTIALS","channel":"LIVE_CHAT"})";
  Reply r = Raw(PeerRequest("POST", "/v1/accounts/acct-7/evaluate", body, "console-7", "support", TestNow(), key_));
  EXPECT_EQ(r.status, 200) << r.body;
  const auto audits = backend_->audits();
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0].who, "console-7");
  EXPECT_NE(audits[0].detail_json.find(R"("forwardedBy":"peer-2")"), std::string::npos) << audits[0].detail_json;
  // The owner applies the same role checks to the caller named.
  Reply feedback = Raw(PeerRequest("POST", "/v1/accounts/acct-7/feedback", R"({"label":"LEGITIMATE"})", "console-7",
                                   "support", TestNow(), key_));
  EXPECT_EQ(feedback.status, 403) << feedback.body;
}

TEST_F(ForwardingTest, ForgedForwardingHeadersAre401) {
  const std::string target = "/v1/accounts/acct-7/risk";
  const auto other = std::move(*trust::ClusterKey::FromSecret("an-attacker-guessed-this-secret"));
  // Signed with another secret, too old, from the future, for another instance.
  for (const std::string& text :
       {PeerRequest("GET", target, "", "root", "admin", TestNow(), other),
        PeerRequest("GET", target, "", "root", "admin", TestNow() - trust::kForwardFreshnessMicros - 1, key_),
        PeerRequest("GET", target, "", "root", "admin", TestNow() + trust::kForwardFreshnessMicros + 1, key_),
        PeerRequest("GET", target, "", "root", "admin", TestNow(), key_, "self-9")}) {
    Reply r = Raw(text);
    EXPECT_EQ(r.status, 401) << r.body;
  }
  // Unsigned identity headers, even beside a valid token: 401, never trusted.
  Reply unsigned_headers = Raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                               std::string(kSupportToken) +
                               "\r\nRiskd-Forwarded-By: peer-2\r\nRiskd-Caller: root\r\nRiskd-Caller-Role: admin\r\n\r\n");
  EXPECT_EQ(unsigned_headers.status, 401) << unsigned_headers.body;
  // A signed request whose body was changed on the way.
  std::string tampered = PeerRequest("POST", "/v1/accounts/acct-7/evaluate", R"({"action":"OTHER","channel":"EMAIL"})",
                                     "console-7", "support", TestNow(), key_);
  tampered.replace(tampered.find("EMAIL"), 5, "PHONE");
  EXPECT_EQ(Raw(tampered).status, 401);
  EXPECT_TRUE(backend_->audits().empty());
  EXPECT_TRUE(routing_.forwarded.empty());
}

TEST_F(ForwardingTest, OpsRoutesSayWhichInstanceAnswered) {
  Reply r = Get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("riskd-instance"), "self-0");
}

}  // namespace
}  // namespace riskd::http::testing
