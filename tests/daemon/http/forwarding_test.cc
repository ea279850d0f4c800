// The API's side of scale-out: authenticate here, then answer locally,
// forward to the owner (whose Riskd-Instance comes back, with Riskd-Via),
// or answer 503 + Retry-After; a forwarded request is never forwarded again;
// every response names the instance that answered. The routing is an
// in-memory AccountRouting; daemon/cluster's is tested in tests/daemon/cluster.
#include <gtest/gtest.h>

#include <mutex>
#include <thread>
#include <vector>

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

  void Forward(const Request& request, const Placement& placement, std::function<void(Response)> done) override {
    {
      std::lock_guard lock(mu_);
      forwarded.push_back(request);
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
  std::vector<bool> placed_forwarded;

 private:
  std::vector<std::thread> threads_;
  std::string id_ = "self-0";
};

class ForwardingTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    StartServer({}, ApiOptions{.routing = &routing_});
  }
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

TEST_F(ForwardingTest, RemoteAccountIsForwardedWithTheSameAuthorization) {
  Reply r = Get("/v1/accounts/remote-1/risk?asOf=2026-11-28T12:00:00Z", kSupportToken);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("riskd-instance"), "peer-1");
  EXPECT_EQ(r.header("riskd-via"), "self-0");
  ASSERT_EQ(routing_.forwarded.size(), 1u);
  const Request& sent = routing_.forwarded[0];
  EXPECT_EQ(sent.method, "GET");
  EXPECT_EQ(sent.target, "/v1/accounts/remote-1/risk?asOf=2026-11-28T12:00:00Z");
  ASSERT_EQ(sent.authorization.size(), 1u);
  EXPECT_EQ(sent.authorization[0], "Bearer " + std::string(kSupportToken));
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

TEST_F(ForwardingTest, HopHeaderMarksTheRequestAsForwarded) {
  auto c = Connection::Open(port());
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->Send("GET /v1/accounts/remote-1/risk HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                      std::string(kSupportToken) + "\r\nRiskd-Forwarded-By: peer-2\r\n\r\n"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_TRUE(routing_.forwarded.empty());
  ASSERT_FALSE(routing_.placed_forwarded.empty());
  EXPECT_TRUE(routing_.placed_forwarded.back());
}

TEST_F(ForwardingTest, OpsRoutesSayWhichInstanceAnswered) {
  Reply r = Get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("riskd-instance"), "self-0");
}

}  // namespace
}  // namespace riskd::http::testing
