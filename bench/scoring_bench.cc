// Micro-benchmarks of the scoring library on a realistic account: 60 days of
// history (logins from two devices at home, a phone on the move, occasional
// failures, verifications and support requests), then per-event Apply and
// per-question Evaluate/Risk. Targets (issue 3): < 2 us each on one core.
//
//   cmake --build build/release --target scoring_bench
//   build/release/bench/scoring_bench
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>

#include "scoring/engine.h"

namespace riskd::scoring {
namespace {

constexpr EpochMicros kStart = 1'793'491'200 * kSecond;  // 2026-11-01

// Producer-style ids: 36 characters, so they live on the heap like real ones.
std::string EventId(std::uint64_t n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "6f1c0e2a-4b7d-4c1e-9a3f-%012llx",
                static_cast<unsigned long long>(n));
  return buf;
}

Event HomeLogin(std::uint64_t n, EpochMicros at, bool success) {
  Event e;
  e.id = EventId(n);
  e.occurred_at = at;
  e.kind = EventKind::kLogin;
  e.success = success;
  e.device_id = n % 3 == 0 ? "phone-7f3a" : "laptop-91c2";
  e.network = n % 3 == 0 ? "2001:db8:77::/48" : "198.51.100.0/24";
  e.asn = n % 3 == 0 ? 64510 : 64500;
  e.has_location = true;
  e.latitude = 40.71 + (n % 5) * 0.01;
  e.longitude = -74.0;
  return e;
}

// The account's normal life: several events a day for `days` days.
struct Account {
  Engine engine{std::make_shared<const ScoringConfig>()};
  AccountState state;
  std::uint64_t next = 0;
  EpochMicros now = kStart;

  void Live(int days) {
    for (int d = 0; d < days; ++d) {
      for (int i = 0; i < 4; ++i) {
        now += 5 * kHour + (next % 7) * kMinute;
        engine.Apply(state, HomeLogin(next, now, next % 11 != 0));
        ++next;
      }
      if (d % 7 == 3) {
        Event v;
        v.id = EventId(next++);
        v.occurred_at = now + kMinute;
        v.kind = EventKind::kVerification;
        v.factor = Factor::kTotp;
        v.success = true;
        engine.Apply(state, v);
      }
      if (d % 14 == 6) {
        Event r = HomeLogin(next++, now + 2 * kMinute, true);
        r.kind = EventKind::kSupportRequest;
        r.action = Action::kChangePhone;
        r.deliver_to = Destination::kInSession;
        r.requester_authenticated = true;
        engine.Apply(state, r);
      }
    }
  }
};

void BM_ApplyLogin(benchmark::State& st) {
  Account a;
  a.Live(60);
  Event e = HomeLogin(a.next, a.now, true);
  for (auto _ : st) {
    e.id = EventId(++a.next);
    e.occurred_at = (a.now += 3 * kHour);
    benchmark::DoNotOptimize(a.engine.Apply(a.state, e));
  }
  st.counters["state_bytes"] = static_cast<double>(a.state.Serialize().size());
}
BENCHMARK(BM_ApplyLogin);

// Events arriving a few minutes apart, some out of order: the pending buffer
// holds several events and every answer re-folds them.
void BM_ApplyBusyAccount(benchmark::State& st) {
  Account a;
  a.Live(60);
  Event e = HomeLogin(a.next, a.now, true);
  for (auto _ : st) {
    ++a.next;
    e.id = EventId(a.next);
    e.success = a.next % 4 != 0;
    a.now += 7 * kMinute;
    e.occurred_at = a.now - (a.next % 3) * 5 * kMinute;
    benchmark::DoNotOptimize(a.engine.Apply(a.state, e));
  }
  st.counters["pending"] = static_cast<double>(a.state.pending.size());
}
BENCHMARK(BM_ApplyBusyAccount);

void BM_Evaluate(benchmark::State& st) {
  Account a;
  a.Live(60);
  EvaluateRequest req;
  req.action = Action::kSendCredentials;
  req.channel = RequestChannel::kLiveChat;
  req.deliver_to = Destination::kEmailOnFile;
  for (auto _ : st) {
    benchmark::DoNotOptimize(a.engine.Evaluate(a.state, req, a.now + kMinute));
  }
}
BENCHMARK(BM_Evaluate);

void BM_Risk(benchmark::State& st) {
  Account a;
  a.Live(60);
  for (auto _ : st) {
    benchmark::DoNotOptimize(a.engine.Risk(a.state, a.now + kMinute));
  }
}
BENCHMARK(BM_Risk);

// What the daemon pays per event around Apply: state bytes in and out.
void BM_SerializeParse(benchmark::State& st) {
  Account a;
  a.Live(60);
  for (auto _ : st) {
    auto parsed = AccountState::Parse(a.state.Serialize());
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_SerializeParse);

}  // namespace
}  // namespace riskd::scoring

BENCHMARK_MAIN();
