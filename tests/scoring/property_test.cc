// Property tests over random histories (1,000+ each, fixed seeds):
//  (a) any arrival order within allowed_lateness gives bit-identical results,
//  (b) delivering every event twice changes nothing,
//  (c) serialize -> parse of the state at any point changes no later result.
#include <gtest/gtest.h>

#include <bit>
#include <cstring>
#include <random>
#include <set>

#include "tests/scoring/history_generator.h"
#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

constexpr int kHistories = 1000;

std::string Bits(double d) { return std::to_string(std::bit_cast<std::uint64_t>(d)); }

// Every observable part of a report, doubles as their exact bits.
std::string Serialized(const RiskReport& r) {
  std::string s = (r.known ? "known " : "unknown ") + Bits(r.score) + " " +
                  std::string(name(r.level)) + " " + std::to_string(r.updated_at);
  for (const Reason& reason : r.reasons) {
    s += "|" + std::string(name(reason.rule)) + " " + Bits(reason.points) + " " +
         std::to_string(reason.fired_at) + " " + reason.detail;
    for (const std::string& id : reason.event_ids) s += " " + id;
  }
  for (Factor f : r.tainted_factors) s += "|t:" + std::string(name(f));
  for (Destination d : r.forbidden_destinations) s += "|f:" + std::string(name(d));
  return s;
}

// Risk and decisions at several moments after `end`.
std::string Observe(const Engine& engine, const AccountState& state,
                    EpochMicros end) {
  std::string out;
  for (DurationMicros after : {DurationMicros{0}, 5 * kHour, 3 * kDay}) {
    const EpochMicros as_of = end + after;
    out += Serialized(engine.Risk(state, as_of)) + "\n";
    EvaluateRequest req;
    req.action = Action::kSendCredentials;
    req.channel = RequestChannel::kLiveChat;
    req.deliver_to = Destination::kPhoneOnFile;
    const EvaluateResult r = engine.Evaluate(state, req, as_of);
    out += std::string(name(r.decision));
    for (Factor f : r.acceptable_factors) out += " " + std::string(name(f));
    out += "\n";
  }
  return out;
}

std::string Outcome(const ApplyResult& r) {
  std::string s = std::to_string(static_cast<int>(r.outcome)) +
                  (r.late ? " late " : " ") + std::string(name(r.previous_level)) +
                  ">" + std::string(name(r.level)) + (r.publish_update ? " pub" : "");
  for (const Firing& f : r.new_firings) {
    s += "|" + std::string(name(f.rule)) + " " + std::to_string(f.fired_at) +
         " " + Bits(f.points) + (f.shadow ? " shadow" : "");
  }
  return s + "\n" + Serialized(r.report);
}

struct Replay {
  AccountState state;
  std::string outcomes;
};

Replay ApplyAll(const Engine& engine, const std::vector<Event>& events,
                std::set<RuleId>* fired = nullptr) {
  Replay run;
  for (const Event& e : events) {
    const ApplyResult r = engine.Apply(run.state, e);
    run.outcomes += Outcome(r);
    for (const Firing& f : r.new_firings) {
      if (fired != nullptr) fired->insert(f.rule);
    }
  }
  return run;
}

EpochMicros End(const std::vector<Event>& events) {
  EpochMicros end = kT0;
  for (const Event& e : events) end = std::max(end, e.occurred_at);
  return end;
}

// A config where a shadow rule and a tighter lateness also get exercised.
std::shared_ptr<const ScoringConfig> PropertyConfig(std::mt19937_64& rng) {
  ScoringConfig c;
  if (rng() % 2) c.rule(static_cast<RuleId>(rng() % kRuleCount)).shadow = true;
  if (rng() % 2) c.allowed_lateness = 10 * kMinute;
  return std::make_shared<const ScoringConfig>(c);
}

TEST(Property, ArrivalOrderWithinLatenessGivesIdenticalBits) {
  std::mt19937_64 rng(1);
  std::set<RuleId> fired;  // the generator must exercise every rule
  int scored = 0;          // and produce non-trivial scores
  for (int h = 0; h < kHistories; ++h) {
    const auto config = PropertyConfig(rng);
    const Engine engine(config);
    const auto history = RandomHistory(rng, 4 + static_cast<int>(rng() % 25));
    const EpochMicros end = End(history);
    const Replay reference = ApplyAll(engine, history, &fired);
    const std::string expected = Observe(engine, reference.state, end);
    const double expected_score = engine.Risk(reference.state, end).score;
    if (expected_score > 0) ++scored;

    const auto arrival = RandomArrival(rng, history, config->allowed_lateness);
    Replay shuffled;
    for (const Event& e : arrival) {
      ASSERT_FALSE(engine.Apply(shuffled.state, e).late) << "history " << h;
    }
    const double score = engine.Risk(shuffled.state, end).score;
    ASSERT_EQ(std::memcmp(&score, &expected_score, sizeof score), 0)
        << "history " << h;
    ASSERT_EQ(Observe(engine, shuffled.state, end), expected) << "history " << h;
    // Stronger than the contract: the persisted state is the same bytes.
    ASSERT_EQ(shuffled.state.Serialize(), reference.state.Serialize())
        << "history " << h;
  }
  EXPECT_EQ(fired.size(), static_cast<std::size_t>(kRuleCount));
  for (int r = 0; r < kRuleCount; ++r) {
    EXPECT_TRUE(fired.count(static_cast<RuleId>(r))) << name(static_cast<RuleId>(r));
  }
  EXPECT_GT(scored, kHistories / 3);
}

TEST(Property, DeliveringEveryEventTwiceChangesNothing) {
  std::mt19937_64 rng(2);
  for (int h = 0; h < kHistories; ++h) {
    const auto config = PropertyConfig(rng);
    const Engine engine(config);
    const auto history = RandomHistory(rng, 4 + static_cast<int>(rng() % 25));
    const auto arrival = RandomArrival(rng, history, config->allowed_lateness);
    const Replay once = ApplyAll(engine, arrival);

    // Each event is redelivered at a random later point while its id is
    // still within the duplicate window of the newest event.
    std::vector<std::vector<const Event*>> redeliver_after(arrival.size());
    EpochMicros newest = kNever;
    std::vector<EpochMicros> newest_at(arrival.size());
    for (std::size_t i = 0; i < arrival.size(); ++i) {
      newest = std::max(newest, arrival[i].occurred_at);
      newest_at[i] = newest;
    }
    for (std::size_t i = 0; i < arrival.size(); ++i) {
      std::size_t j = i + rng() % (arrival.size() - i);
      while (newest_at[j] - config->duplicate_window > arrival[i].occurred_at) --j;
      redeliver_after[j].push_back(&arrival[i]);
    }
    AccountState twice;
    for (std::size_t i = 0; i < arrival.size(); ++i) {
      engine.Apply(twice, arrival[i]);
      for (const Event* e : redeliver_after[i]) {
        const std::string before = twice.Serialize();
        ASSERT_EQ(engine.Apply(twice, *e).outcome, ApplyOutcome::kDuplicate)
            << "history " << h;
        ASSERT_EQ(twice.Serialize(), before) << "history " << h;
      }
    }
    const EpochMicros end = End(history);
    ASSERT_EQ(Observe(engine, twice, end), Observe(engine, once.state, end))
        << "history " << h;
  }
}

TEST(Property, SerializeParseAtAnyPointChangesNoLaterResult) {
  std::mt19937_64 rng(3);
  for (int h = 0; h < kHistories; ++h) {
    const auto config = PropertyConfig(rng);
    const Engine engine(config);
    const auto history = RandomHistory(rng, 4 + static_cast<int>(rng() % 25));
    // Any order here, late events included: the property must hold anyway.
    auto arrival = RandomArrival(rng, history, config->allowed_lateness * 4);
    const Replay direct = ApplyAll(engine, arrival);

    Replay restarted;
    for (const Event& e : arrival) {
      if (rng() % 2) {
        auto parsed = AccountState::Parse(restarted.state.Serialize());
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        restarted.state = std::move(*parsed);
      }
      restarted.outcomes += Outcome(engine.Apply(restarted.state, e));
    }
    ASSERT_EQ(restarted.outcomes, direct.outcomes) << "history " << h;
    const EpochMicros end = End(history);
    ASSERT_EQ(Observe(engine, restarted.state, end),
              Observe(engine, direct.state, end))
        << "history " << h;
  }
}

}  // namespace
}  // namespace riskd::scoring::test
