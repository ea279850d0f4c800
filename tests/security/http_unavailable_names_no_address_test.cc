// A client asks one instance for an account whose owner does not answer.
// Before the fix the 503 said "instance at 10.0.3.7:8080 did not answer:
// cannot connect: Connection refused": the cluster's internal addresses,
// handed to any token holder. Now the 503 names the owner by its instance
// id (which every answer's Riskd-Instance carries anyway), keeps
// Retry-After, and only the log has the address and the cause.
#include <set>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kToken = "unavailable-support-token";

class UnavailableNamesNoAddressTest : public IntegrationTest {
 protected:
  RiskdConfig Config(const std::string& instance_id, const std::string& http_yaml = "") {
    RiskdConfig c;
    c.instance_id = instance_id;
    c.extra_yaml = TokensYaml({{"support", "support", kToken}});
    c.cluster_yaml = "  heartbeat_interval: 500ms\n  member_ttl: 3s\n";
    c.extra_http_yaml = http_yaml;
    return c;
  }
};

TEST_F(UnavailableNamesNoAddressTest, A503ForAnUnreachableOwnerNamesNoHostOrPort) {
  // riskd-b advertises an address where nothing listens: riskd-a's
  // forwards to it fail (connection refused).
  const int dead_port = FreePort();
  auto a = NewRiskd("a", Config("riskd-a"));
  auto b = NewRiskd("b", Config("riskd-b", "  advertised_url: http://127.0.0.1:" + std::to_string(dead_port) + "\n"));
  a->Start();
  b->Start();
  ASSERT_TRUE(WaitReady(a->http_port(), 90s)) << a->Stderr();
  ASSERT_TRUE(WaitReady(b->http_port(), 90s)) << b->Stderr();

  const auto accounts = OneAccountPerPartition(1000, kPartitions);
  std::set<std::string> bodies;  // 503s riskd-a gave for riskd-b's accounts
  std::string retry_after;
  for (auto start = SteadyClock::now(); bodies.empty() && SteadyClock::now() - start < 90s;) {
    for (const auto& account : accounts) {
      HttpResponse r = GetRisk(a->http_port(), account, WallNow(), kToken);
      // (Not "being restored on instance riskd-b": a failed forward.)
      if (r.status == 503 && r.body.find("riskd-b") != std::string::npos &&
          (r.body.find("answer") != std::string::npos || r.body.find("unreachable") != std::string::npos)) {
        bodies.insert(r.body);
        retry_after = Header(r, "Retry-After");
      }
    }
    if (bodies.empty()) std::this_thread::sleep_for(500ms);
  }
  ASSERT_FALSE(bodies.empty()) << "riskd-a never forwarded to riskd-b\n" << a->Stderr().substr(0, 20000);

  const std::set<std::string> addresses = {"127.0.0.1", std::to_string(dead_port), std::to_string(b->http_port()),
                                           std::to_string(a->http_port())};
  for (const std::string& body : bodies) {
    for (const std::string& address : addresses) {
      EXPECT_EQ(body.find(address), std::string::npos) << "the 503 names " << address << ": " << body;
    }
    EXPECT_NE(body.find("UNAVAILABLE"), std::string::npos) << body;
  }
  EXPECT_EQ(retry_after, "1");
  // The operator still finds the address and the cause in riskd-a's log.
  EXPECT_NE(a->Stderr().find("127.0.0.1:" + std::to_string(dead_port)), std::string::npos);
}

}  // namespace
}  // namespace riskd::it
