// Scale-out with a failover and a join (issue 9): three riskd processes in
// one group consume a stream over 12 partitions; one is SIGKILLed
// mid-stream, later a new one joins with an empty state directory.
// Throughout, clients poll accounts through every live instance. At the end
// every account, asked as of a fixed time, is answered exactly as a single
// riskd (its own group, same stream) answers it: every account through one
// of the three live instances (in turn), and every fifth account through
// all three, which must give the same bytes (asking all three for every
// account would triple the time for little more coverage: an instance's
// answer for a partition it does not serve is the owner's, forwarded).
//
// Many accounts with few events each: the mock cluster keeps only the
// newest ~5 MiB of a partition, and the changelog carries the whole state
// of an account at each change.
//
// "No answer from state that is behind" is checked after the fact, from a
// record of every answer (with the times its request was sent and its
// answer received) and of the group's committed offsets:
//  * every 200 is the exact risk (score bits, level, reasons, updatedAt) of
//    some prefix of the account's events in partition order — the state
//    after some whole number of its events, never a mix or a guess;
//  * that prefix is not shorter than the account's events below the
//    group's committed offset read before the request was sent. Only the
//    instance owning a partition commits its offsets, and only after the
//    state is durable; a new owner must not answer before it has restored
//    and caught up to them;
//  * it is not shorter than the prefix of any answer for the account,
//    from any instance (the killed one included), received before the
//    request was sent: a client never sees an account go back in time,
//    even after an owner that had answered from events it had neither
//    committed nor published to the changelog yet.
// 503s are fine but must carry Retry-After; a connection refused is
// allowed only from the killed instance (requests in flight at the kill).
//
// The failover time (SIGKILL -> every partition answered again by both
// survivors) and its phases (from the survivors' log lines) are printed.
// RISKD_FAILOVER_SESSION_TIMEOUT_MS=<ms> runs the instances with that
// session timeout, a heartbeat of a tenth of it (the shipped ConfigMap's
// 10000/1000) and riskd's cluster defaults instead of the test's faster
// settings: deploy/README.md ("Failover measured") uses it.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/codec/event_decoder.h"
#include "daemon/codec/json.h"
#include "daemon/kafka/partitioner.h"
#include "riskd/v1/risk.pb.h"
#include "scoring/event.h"
#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;
using SystemClock = std::chrono::system_clock;

constexpr const char* kToken = "failover-support-token";
constexpr int kScalePartitions = 12;
const std::string kTopic = "failover-events";
const std::string kGroup = "failover";

// What a risk answer says, in a form the engine's report maps to exactly.
struct Fingerprint {
  bool known = false;
  double score = 0;
  std::string level;
  int64_t updated_at = 0;
  std::string reasons;
  bool operator==(const Fingerprint&) const = default;
};

int64_t Micros(const google::protobuf::Timestamp& t) { return t.seconds() * scoring::kSecond + t.nanos() / 1000; }

std::string Points(double points) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", points);
  return text;
}

std::optional<Fingerprint> FromBody(const std::string& body) {
  codec::JsonReadOptions options;
  options.reject_unknown_fields = false;
  auto r = codec::FromJson<v1::RiskResponse>(body, options);
  if (!r.ok()) return std::nullopt;
  Fingerprint f;
  f.known = r->known();
  f.score = r->score();
  f.level = v1::Level_Name(r->level());
  f.updated_at = r->has_updated_at() ? Micros(r->updated_at()) : 0;
  for (const auto& reason : r->reasons()) {
    f.reasons += reason.rule() + "|" + Points(reason.points()) + "|" + std::to_string(Micros(reason.fired_at())) + "|";
    for (const auto& id : reason.event_ids()) f.reasons += id + ",";
    f.reasons += ";";
  }
  return f;
}

Fingerprint FromReport(const scoring::RiskReport& report) {
  Fingerprint f;
  f.known = report.known;
  f.score = report.score;
  f.level = std::string(scoring::name(report.level));
  f.updated_at = report.known ? report.updated_at : 0;
  for (const auto& reason : report.reasons) {
    f.reasons += std::string(scoring::name(reason.rule)) + "|" + Points(reason.points) + "|" +
                 std::to_string(reason.fired_at) + "|";
    for (const auto& id : reason.event_ids) f.reasons += id + ",";
    f.reasons += ";";
  }
  return f;
}

HttpResponse Risk(int port, const std::string& account, scoring::EpochMicros as_of) {
  return GetRisk(port, account, as_of, kToken);
}

// Each process's effective config differs (ports, state dir, group), and
// so its configVersion.
std::string WithoutConfigVersion(std::string body) {
  const auto at = body.find(",\"configVersion\":\"");
  if (at == std::string::npos) return body;
  const auto end = body.find('"', at + 18);
  return body.erase(at, end + 1 - at);
}

// The wall times (ms since the epoch) of riskd's log lines with this msg.
std::vector<int64_t> LogTimes(const std::string& log, const std::string& msg) {
  std::vector<int64_t> out;
  const std::string needle = "\"msg\":\"" + msg + "\"";
  size_t at = 0;
  while ((at = log.find(needle, at)) != std::string::npos) {
    const size_t line = log.rfind('\n', at) == std::string::npos ? 0 : log.rfind('\n', at) + 1;
    at += needle.size();
    const size_t ts = log.find("\"ts\":\"", line);
    if (ts == std::string::npos || ts > at) continue;
    std::tm tm{};
    int millis = 0;
    if (std::sscanf(log.c_str() + ts + 6, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) != 7) {
      continue;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    out.push_back(static_cast<int64_t>(timegm(&tm)) * 1000 + millis);
  }
  return out;
}

// The log lines of the handoff (assignment, restore, serving), each as
// "+<seconds since from_ms> <name>: <msg> <partition/count>".
std::string Timeline(const std::string& log, const std::string& name, int64_t from_ms, int64_t to_ms) {
  static const std::vector<std::string> kMsgs = {"partitions assigned", "partitions lost", "partitions revoked",
                                                 "partition restored", "partition caught up; serving it",
                                                 "partition restored; processing and serving it"};
  std::string out;
  size_t start = 0;
  while (start < log.size()) {
    size_t end = log.find('\n', start);
    if (end == std::string::npos) end = log.size();
    const std::string line = log.substr(start, end - start);
    start = end + 1;
    for (const auto& msg : kMsgs) {
      if (line.find("\"msg\":\"" + msg + "\"") == std::string::npos) continue;
      const auto times = LogTimes(line, msg);
      if (times.empty() || times[0] < from_ms || times[0] > to_ms) break;
      auto field = [&](const std::string& key) {
        const auto at = line.find("\"" + key + "\":\"");
        if (at == std::string::npos) return std::string();
        const auto v = at + key.size() + 4;
        return " " + key + "=" + line.substr(v, line.find('"', v) - v);
      };
      char when[32];
      std::snprintf(when, sizeof when, "+%.2fs ", (times[0] - from_ms) / 1000.0);
      out += std::string("  ") + when + name + ": " + msg + field("count") + field("partition") + field("seconds") +
             "\n";
      break;
    }
  }
  return out;
}

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(SystemClock::now().time_since_epoch()).count();
}

struct Observation {
  std::string account;
  int instance = 0;  // index into the test's process list
  SteadyClock::time_point sent, received;
  int status = 0;
  bool retry_after = false;
  std::optional<Fingerprint> answer;  // of a 200
  std::string body;                   // kept when it is not a parsed 200
};

struct CommittedSnapshot {
  SteadyClock::time_point at;  // after the read returned
  std::map<int32_t, int64_t> offsets;
};

class FailoverTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    for (const std::string& topic : {kTopic, kTopic + ".dlq", std::string("failover-decisions")}) {
      ASSERT_TRUE(cluster().CreateTopic(topic, kScalePartitions).ok());
    }
    // Each group's changelog: co-partitioned with the input; its
    // membership topic: one partition. (The mock has no CreateTopics.)
    for (const std::string& group : {kGroup, std::string("single")}) {
      ASSERT_TRUE(cluster().CreateTopic(group + "-state-changelog", kScalePartitions).ok());
      ASSERT_TRUE(cluster().CreateTopic(group + "-members", 1).ok());
    }
  }

  // The session timeout asked for by RISKD_FAILOVER_SESSION_TIMEOUT_MS (0: the test's own).
  static int SessionTimeoutOverride() {
    const char* v = std::getenv("RISKD_FAILOVER_SESSION_TIMEOUT_MS");
    return v ? std::atoi(v) : 0;
  }

  RiskdConfig Config(const std::string& group) {
    RiskdConfig c;
    c.group_id = group;
    c.input_topic = kTopic;
    c.decisions_topic = "failover-decisions";
    c.decisions_format = "protobuf";  // compact: the mock keeps 5 MiB per partition
    std::string cluster = "  heartbeat_interval: 500ms\n  member_ttl: 3s\n";
    // Short: the mock's coordinator waits most of a session timeout in
    // each round of a rebalance, and a failover takes several rounds.
    c.kafka_properties = {{"session.timeout.ms", "3000"}, {"heartbeat.interval.ms", "500"}};
    if (const int timeout = SessionTimeoutOverride(); timeout > 0) {
      c.kafka_properties = {{"session.timeout.ms", std::to_string(timeout)},
                            {"heartbeat.interval.ms", std::to_string(std::max(100, timeout / 10))}};
      cluster.clear();  // riskd's defaults
    }
    c.extra_yaml = TokensYaml({{"support", "support", kToken}});
    c.cluster_yaml = cluster;
    return c;
  }

  // Per partition: high watermark / the group's committed offset.
  std::string Offsets(const std::string& group) {
    const auto hw = HighWatermarks(bootstrap(), kTopic);
    const auto committed = GroupCommitted(bootstrap(), group, kTopic);
    std::string out = group + " high/committed:";
    for (const auto& [p, h] : hw) {
      auto c = committed.find(p);
      out += " " + std::to_string(p) + "=" + std::to_string(h) + "/" +
             (c == committed.end() ? std::string("none") : std::to_string(c->second));
    }
    return out + "\n";
  }

  static std::string Logs(const std::vector<RiskdProcess*>& ps) {
    std::string out;
    for (auto* p : ps) {
      const std::string err = p->Stderr();
      out += "--- " + p->dir().string() + "\n" + err.substr(err.size() > 20000 ? err.size() - 20000 : 0);
    }
    return out;
  }
};

TEST_F(FailoverTest, KillOneOfThreeMidStreamThenJoinANewOneNeverAnswerBehindEndIdentical) {
  const int events = static_cast<int>(50'000 * TestScale());
  const int accounts = static_cast<int>(10'000 * TestScale());
  const int sampled = std::min(accounts, 240);  // polled throughout
  const scoring::EpochMicros as_of = BaseTime() + 2 * scoring::kDay;
  const auto stream = RandomStream(/*seed=*/21, events, accounts, BaseTime());
  const auto probes = OneAccountPerPartition(accounts, kScalePartitions);
  ASSERT_EQ(probes.size(), static_cast<size_t>(kScalePartitions));

  auto single = NewRiskd("single", Config("single"));
  std::vector<std::unique_ptr<RiskdProcess>> procs;
  procs.reserve(4);  // the pollers index it while d is added
  for (const char* name : {"a", "b", "c"}) procs.push_back(NewRiskd(name, Config(kGroup)));
  single->Start();
  for (auto& p : procs) p->Start();
  auto all_logs = [&] {
    std::vector<RiskdProcess*> ps{single.get()};
    for (auto& p : procs) ps.push_back(p.get());
    return Logs(ps);
  };
  // The group settles first, so that c owns partitions when it is killed.
  ASSERT_TRUE(WaitAllServed({procs[0]->http_port(), procs[1]->http_port(), procs[2]->http_port()}, probes, kToken, 120s))
      << all_logs();
  ASSERT_TRUE(WaitReady(single->http_port(), 60s)) << Logs({single.get()});

  TestProducer producer(bootstrap());
  const size_t part1 = stream.size() * 4 / 10, part2 = stream.size() * 7 / 10;
  for (size_t i = 0; i < part1; ++i) producer.Produce(kTopic, stream[i].account_id(), JsonValue(stream[i]));
  ASSERT_EQ(producer.Flush(), 0);

  // Pollers: each owns a share of the sampled accounts (so one account's
  // requests never overlap), asking a random live instance.
  std::mutex live_mu;
  std::vector<int> live = {0, 1, 2};
  std::atomic<bool> stop{false};
  std::mutex obs_mu;
  std::vector<Observation> observations;
  std::vector<std::thread> pollers;
  for (int t = 0; t < 2; ++t) {
    pollers.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t + 1));
      std::vector<Observation> mine;
      while (!stop) {
        for (int i = t; i < sampled && !stop; i += 2) {
          Observation o;
          o.account = "acct-" + std::to_string(i);
          {
            std::lock_guard lock(live_mu);
            o.instance = live[rng() % live.size()];
          }
          o.sent = SteadyClock::now();
          HttpResponse r = Risk(procs[o.instance]->http_port(), o.account, as_of);
          o.received = SteadyClock::now();
          o.status = r.status;
          o.retry_after = !Header(r, "Retry-After").empty();
          if (r.status == 200) o.answer = FromBody(r.body);
          if (!o.answer) o.body = std::move(r.body);
          mine.push_back(std::move(o));
          // Not flat out: the cluster and the riskd processes share the
          // machine's cores with the pollers.
          std::this_thread::sleep_for(2ms);
        }
      }
      std::lock_guard lock(obs_mu);
      for (auto& o : mine) observations.push_back(std::move(o));
    });
  }
  std::vector<CommittedSnapshot> committed;
  std::thread floor;
  std::thread trickle;
  // An assertion that returns early still stops and joins the threads.
  struct Joiner {
    std::function<void()> f;
    ~Joiner() { f(); }
  } joiner{[&] {
    stop = true;
    for (auto* t : {&trickle, &floor}) {
      if (t->joinable()) t->join();
    }
    for (auto& t : pollers) {
      if (t.joinable()) t.join();
    }
  }};
  floor = std::thread([&] {
    while (!stop) {
      auto offsets = GroupCommitted(bootstrap(), kGroup, kTopic);
      // Stamped after the read returned: it surely happened before any
      // request sent after this time.
      committed.push_back(CommittedSnapshot{SteadyClock::now(), std::move(offsets)});
      std::this_thread::sleep_for(100ms);
    }
  });

  // Part 2 trickles in; c is killed in the middle of it.
  trickle = std::thread([&] {
    const size_t slices = 20;
    for (size_t s = 0; s < slices; ++s) {
      const size_t from = part1 + (part2 - part1) * s / slices, to = part1 + (part2 - part1) * (s + 1) / slices;
      for (size_t i = from; i < to; ++i) producer.Produce(kTopic, stream[i].account_id(), JsonValue(stream[i]));
      std::this_thread::sleep_for(250ms);
    }
  });
  std::this_thread::sleep_for(2s);
  // The partitions c serves, by the probes' Riskd-Instance.
  std::set<std::string> c_probes;
  std::string c_name;
  for (const auto& account : probes) {
    const HttpResponse r = Risk(procs[2]->http_port(), account, 0);
    if (r.status == 200 && Header(r, "Riskd-Via").empty()) {
      c_probes.insert(account);
      c_name = Header(r, "Riskd-Instance");
    }
  }
  {
    std::lock_guard lock(live_mu);
    live = {0, 1};
  }
  procs[2]->Kill();
  const auto killed_at = SteadyClock::now();
  const int64_t killed_wall = WallMillis();
  const bool failed_over = WaitAllServed({procs[0]->http_port(), procs[1]->http_port()}, probes, kToken, 180s);
  const double failover_seconds = std::chrono::duration<double>(SteadyClock::now() - killed_at).count();
  trickle.join();
  ASSERT_EQ(producer.Flush(), 0);
  ASSERT_TRUE(failed_over) << all_logs();
  EXPECT_FALSE(c_probes.empty()) << "c served no partition when it was killed";

  // The phases, from the survivors' log lines after the kill.
  auto first_after = [&](const std::string& msg) {
    int64_t first = 0;
    for (int i : {0, 1}) {
      for (int64_t t : LogTimes(procs[i]->Stderr(), msg)) {
        if (t >= killed_wall && (first == 0 || t < first)) first = t;
      }
    }
    return first == 0 ? -1.0 : (first - killed_wall) / 1000.0;
  };
  auto last_after = [&](const std::string& msg) {
    int64_t last = 0;
    for (int i : {0, 1}) {
      for (int64_t t : LogTimes(procs[i]->Stderr(), msg)) last = std::max(last, t);
    }
    return last < killed_wall ? -1.0 : (last - killed_wall) / 1000.0;
  };
  const double assigned = first_after("partitions assigned");
  const double restored = last_after("partition restored");
  std::printf(
      "failover: SIGKILL of %s (%zu of %d partitions) -> every partition answered again by both survivors in "
      "%.2f s; partitions reassigned after %.2f s, last restore done after %.2f s (session.timeout.ms %s)\n",
      c_name.c_str(), c_probes.size(), kScalePartitions, failover_seconds, assigned, restored,
      procs[0]->config().kafka_properties.at("session.timeout.ms").c_str());
  RecordProperty("failover_seconds", std::to_string(failover_seconds));
  std::printf("%s%s", Timeline(procs[0]->Stderr(), "a", killed_wall, WallMillis()).c_str(),
              Timeline(procs[1]->Stderr(), "b", killed_wall, WallMillis()).c_str());

  // A new instance joins with an empty state directory while part 3 comes.
  procs.push_back(NewRiskd("d", Config(kGroup)));
  procs[3]->Start();
  for (size_t i = part2; i < stream.size(); ++i) producer.Produce(kTopic, stream[i].account_id(), JsonValue(stream[i]));
  ASSERT_EQ(producer.Flush(), 0);
  {
    const auto deadline = SteadyClock::now() + 60s;
    while (HttpRequest(procs[3]->http_port(), "GET", "/healthz").status != 200 && SteadyClock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
    }
    std::lock_guard lock(live_mu);
    live = {0, 1, 3};
  }
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), "single", kTopic, 300s)) << Offsets("single") << Logs({single.get()});
  ASSERT_TRUE(WaitCaughtUp(bootstrap(), kGroup, kTopic, 300s)) << Offsets(kGroup) << all_logs();
  const std::vector<int> final_ports = {procs[0]->http_port(), procs[1]->http_port(), procs[3]->http_port()};
  ASSERT_TRUE(WaitAllServed(final_ports, probes, kToken, 180s)) << all_logs();
  std::this_thread::sleep_for(1s);  // a few more polls against the final layout
  joiner.f();

  // Final: every account as the single instance answers it, the same bytes
  // from every instance asked.
  std::set<std::string> owners;
  int known = 0;
  for (int i = 0; i < accounts; ++i) {
    const std::string account = "acct-" + std::to_string(i);
    const HttpResponse reference = Risk(single->http_port(), account, as_of);
    ASSERT_EQ(reference.status, 200) << account << " " << reference.body;
    known += reference.body.find("\"known\":true") != std::string::npos;
    std::string first;
    std::vector<int> ports = {final_ports[i % 3]};
    if (i % 5 == 0) ports = final_ports;
    for (int port : ports) {
      const HttpResponse got = Risk(port, account, as_of);
      ASSERT_EQ(got.status, 200) << account << ": " << got.body;
      EXPECT_EQ(WithoutConfigVersion(got.body), WithoutConfigVersion(reference.body)) << account;
      if (first.empty()) first = got.body;
      EXPECT_EQ(got.body, first) << account << " differs between instances";
      owners.insert(Header(got, "Riskd-Instance"));
    }
  }
  EXPECT_GT(known, accounts / 2);
  EXPECT_EQ(owners.size(), 3u) << "a, b and the new d should each own partitions";

  // After the fact: every answer against the prefixes of its account's
  // events (input partition order, as riskd applies them).
  TopicReader input(bootstrap(), kTopic);
  ASSERT_TRUE(input.ReadUntil([&](const auto& m) { return m.size() >= stream.size(); }, 60s));
  struct AccountEvents {
    std::vector<int64_t> offsets;       // of its events, in order
    std::vector<Fingerprint> prefixes;  // [k]: after its first k events
  };
  std::map<std::string, AccountEvents> truth;
  std::map<std::string, scoring::AccountState> states;
  std::vector<const kafka::ConsumedMessage*> ordered;
  for (const auto& m : input.messages()) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(),
            [](auto* x, auto* y) { return std::tie(x->partition, x->offset) < std::tie(y->partition, y->offset); });
  for (int i = 0; i < sampled; ++i) {
    truth["acct-" + std::to_string(i)].prefixes.push_back(FromReport(DefaultEngine().Risk({}, as_of)));
  }
  for (const auto* m : ordered) {
    auto it = truth.find(m->key);
    if (it == truth.end()) continue;
    codec::RawMessage raw{m->value, std::nullopt, std::nullopt};
    raw.key = m->key;
    auto proto = codec::DecodeEvent(raw, WallNow());
    ASSERT_TRUE(proto.ok());
    auto event = scoring::EventFromProto(*proto);
    ASSERT_TRUE(event.ok());
    auto& state = states[m->key];
    DefaultEngine().Apply(state, *event);
    it->second.offsets.push_back(m->offset);
    it->second.prefixes.push_back(FromReport(DefaultEngine().Risk(state, as_of)));
  }
  // The final answer is the whole history's.
  for (const auto& [account, t] : truth) {
    const HttpResponse got = Risk(final_ports[0], account, as_of);
    auto fp = FromBody(got.body);
    ASSERT_TRUE(fp) << got.body;
    EXPECT_EQ(*fp, t.prefixes.back()) << account << ": the final answer is not the whole history's";
  }

  std::sort(observations.begin(), observations.end(), [](const auto& x, const auto& y) { return x.sent < y.sent; });
  struct Seen {
    SteadyClock::time_point received;
    size_t least;  // the least prefix the answer can be
  };
  std::map<std::string, std::vector<Seen>> seen;  // account -> its earlier answers
  int ok = 0, unavailable = 0, refused = 0, behind = 0, unmatched = 0, went_back = 0, other = 0;
  int in_handoff = 0, ok_in_handoff = 0;  // c's accounts, between the kill and the failover
  std::set<int32_t> c_partitions;
  for (const auto& account : c_probes) {
    c_partitions.insert(kafka::PartitionForKey(kafka::Partitioner::kConsistentRandom, account, kScalePartitions));
  }
  const auto failed_over_at = killed_at + std::chrono::duration_cast<SteadyClock::duration>(
                                              std::chrono::duration<double>(failover_seconds));
  for (const auto& o : observations) {
    const int32_t p = kafka::PartitionForKey(kafka::Partitioner::kConsistentRandom, o.account, kScalePartitions);
    const bool handoff = c_partitions.count(p) && o.sent > killed_at && o.sent < failed_over_at;
    in_handoff += handoff;
    if (o.status == 0 && o.instance == 2 && o.sent <= killed_at) {
      ++refused;  // in flight to c when it died
      continue;
    }
    if (o.status == 503) {
      ++unavailable;
      EXPECT_TRUE(o.retry_after) << o.account << ": 503 without Retry-After: " << o.body;
      continue;
    }
    if (o.status != 200) {
      ++other;
      ADD_FAILURE() << o.account << " via instance " << o.instance << ": status " << o.status << " " << o.body;
      continue;
    }
    ++ok;
    ok_in_handoff += handoff;
    if (!o.answer) {
      ADD_FAILURE() << o.account << ": an answer that does not parse: " << o.body;
      continue;
    }
    const auto& t = truth.at(o.account);
    std::vector<size_t> matches;
    for (size_t k = 0; k < t.prefixes.size(); ++k) {
      if (t.prefixes[k] == *o.answer) matches.push_back(k);
    }
    if (matches.empty()) {
      ++unmatched;
      ADD_FAILURE() << o.account << " via instance " << o.instance << ": an answer no prefix of its events gives";
      continue;
    }
    // The committed offsets known before the request was sent.
    const CommittedSnapshot* floor_snapshot = nullptr;
    for (const auto& s : committed) {
      if (s.at < o.sent) floor_snapshot = &s;
    }
    if (floor_snapshot) {
      if (auto c = floor_snapshot->offsets.find(p); c != floor_snapshot->offsets.end()) {
        const size_t floor_k = std::lower_bound(t.offsets.begin(), t.offsets.end(), c->second) - t.offsets.begin();
        if (matches.back() < floor_k) {
          ++behind;
          ADD_FAILURE() << o.account << " answered via instance " << o.instance
                        << " from state behind the group's committed offset: at most " << matches.back()
                        << " of its events, " << floor_k << " committed before the request";
        }
      }
    }
    // The answers received before this request was sent, from any instance.
    size_t least_before = 0;
    for (const auto& s : seen[o.account]) {
      if (s.received < o.sent) least_before = std::max(least_before, s.least);
    }
    if (matches.back() < least_before) {
      ++went_back;
      ADD_FAILURE() << o.account << " answered via instance " << o.instance << " with at most " << matches.back()
                    << " of its events after an answer with at least " << least_before;
    }
    seen[o.account].push_back(Seen{o.received, matches.front()});
  }
  std::printf(
      "polling: %zu requests, %d answered 200, %d answered 503, %d refused by the killed instance, %d other; "
      "%d behind the committed offsets, %d unmatched, %d went back; %d requests for c's partitions during the "
      "handoff (%d answered 200)\n",
      observations.size(), ok, unavailable, refused, other, behind, unmatched, went_back, in_handoff, ok_in_handoff);
  EXPECT_GT(ok, 4 * sampled);  // the checks saw real answers
  EXPECT_GT(in_handoff, 10) << "nobody asked for c's accounts while they moved";
  EXPECT_GT(unavailable, 0) << "c's partitions were never unavailable: were they answered from nothing?";
  EXPECT_GT(committed.size(), 10u);

  EXPECT_EQ(single->Terminate(), 0);
  for (int i : {0, 1, 3}) EXPECT_EQ(procs[i]->Terminate(), 0) << procs[i]->Stderr();
}

}  // namespace
}  // namespace riskd::it
