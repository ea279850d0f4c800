// A load target for wrk: the real Server and Api over the in-memory backend
// holding 10,000 accounts (every tenth one mid-incident, the rest with a
// familiar login), so evaluate does a real state read, a real Engine
// evaluation, an audit append and the JSON round trip. Not a test; run by
// wrk_evaluate.sh.
//
//   http_bench_server [threads]   prints "port <n>" and serves until stdin closes
#include <cstdio>
#include <iostream>
#include <string>

#include "tests/daemon/http/api_fixture.h"

namespace riskd::http::testing {
namespace {

std::string Event(const std::string& account, const std::string& id, const std::string& at,
                  const std::string& context, const std::string& payload) {
  return R"({"eventId":")" + id + R"(","accountId":")" + account + R"(","occurredAt":")" + at +
         R"(","context":)" + context + "," + payload + "}";
}

int Main(int argc, char** argv) {
  const int threads = argc > 1 ? std::stoi(argv[1]) : 2;
  metrics::Metrics metrics("bench");
  MemoryBackend backend(TestNow(), MakeRunningConfig(), &metrics);
  const std::string home = R"({"ip":"198.51.100.7","deviceId":"d-home","asn":64496})";
  const std::string evil = R"({"ip":"203.0.113.7","deviceId":"d-evil","asn":64500})";
  for (int i = 0; i < 10000; ++i) {
    const std::string account = "acct-" + std::to_string(i);
    backend.ApplyEvent(account, EventFromJson(Event(account, account + "-1", "2026-11-01T10:00:00Z", home,
                                                    R"("login":{"result":"SUCCESS","method":"PASSWORD"})")));
    if (i % 10 != 0) continue;
    backend.ApplyEvent(account, EventFromJson(Event(account, account + "-2", "2026-11-28T09:00:00Z", evil,
                                                    R"("passwordReset":{"stage":"COMPLETED","channel":"EMAIL"})")));
    backend.ApplyEvent(account, EventFromJson(Event(account, account + "-3", "2026-11-28T09:10:00Z", evil,
                                                    R"("login":{"result":"SUCCESS","method":"PASSWORD"})")));
  }
  backend.SetAuditLimit(1000);
  Api api(backend, metrics);
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.threads = threads;
  auto server = Server::Start(options, api);
  if (!server.ok()) {
    std::cerr << server.error().message << "\n";
    return 1;
  }
  std::printf("port %u\n", static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);
  std::string line;
  while (std::getline(std::cin, line)) {
  }
  return 0;
}

}  // namespace
}  // namespace riskd::http::testing

int main(int argc, char** argv) { return riskd::http::testing::Main(argc, argv); }
