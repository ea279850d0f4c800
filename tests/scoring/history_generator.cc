#include "tests/scoring/history_generator.h"

#include <algorithm>
#include <string>

#include "tests/scoring/test_util.h"

namespace riskd::scoring::test {
namespace {

template <typename T>
const T& Pick(std::mt19937_64& rng, const std::vector<T>& items) {
  return items[rng() % items.size()];
}

Ctx RandomContext(std::mt19937_64& rng) {
  static const std::vector<std::string> kDevices = {"", "d1", "d1", "d2", "d3"};
  static const std::vector<std::string> kIps = {
      "", "198.51.100.7", "198.51.100.8", "203.0.113.9", "2001:db8:1::5"};
  static const std::vector<std::uint32_t> kAsns = {0, 64500, 64500, 64999};
  static const std::vector<std::pair<double, double>> kPlaces = {
      {40.71, -74.0}, {51.5, -0.12}, {48.85, 2.35}, {35.68, 139.69}};
  Ctx c{Pick(rng, kDevices), Pick(rng, kIps), Pick(rng, kAsns), {}};
  if (rng() % 3 == 0) c.location = Pick(rng, kPlaces);
  return c;
}

DurationMicros RandomGap(std::mt19937_64& rng) {
  switch (rng() % 6) {
    case 0: return 0;                                // a tie
    case 1: return rng() % kMinute;                  // a burst
    case 2: return rng() % (20 * kMinute);
    case 3: return rng() % (2 * kHour);
    case 4: return rng() % (12 * kHour);
    default: return rng() % (3 * kDay);
  }
}

Event RandomEvent(std::mt19937_64& rng, std::string id, EpochMicros at) {
  const Ctx ctx = RandomContext(rng);
  const auto enum_of = [&rng](int count) { return static_cast<int>(rng() % count); };
  switch (rng() % 20) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6:
      return Login(std::move(id), at, rng() % 4 != 0, ctx);
    case 7: case 8: case 9:
      return Reset(std::move(id), at,
                   rng() % 2 ? ResetChannel::kEmail
                             : static_cast<ResetChannel>(enum_of(3)),
                   static_cast<ResetStage>(enum_of(2)), ctx);
    case 10: case 11: case 12: {
      std::optional<Destination> to;
      if (rng() % 4) to = static_cast<Destination>(enum_of(kDestinationCount));
      return Request(std::move(id), at, static_cast<Action>(enum_of(kActionCount)),
                     to, rng() % 2, ctx,
                     static_cast<RequestChannel>(enum_of(4)));
    }
    case 13: case 14: case 15:
      return Verify(std::move(id), at, static_cast<Factor>(enum_of(kFactorCount)),
                    rng() % 2);
    case 16: case 17: case 18:
      return Change(std::move(id), at, static_cast<ChangeField>(enum_of(7)),
                    static_cast<ChangeOperation>(enum_of(3)));
    default:
      return LabelEvent(std::move(id), at,
                        rng() % 3 ? Label::kLegitimate : Label::kCompromised,
                        "note");
  }
}

}  // namespace

std::vector<Event> RandomHistory(std::mt19937_64& rng, int count) {
  std::vector<Event> events;
  EpochMicros t = kT0;
  auto next_id = [&rng, &events] {
    // Ids are not in time order, so ties exercise the id tie-break.
    return "e" + std::to_string(rng() % 1'000'000) + "-" +
           std::to_string(events.size());
  };
  while (static_cast<int>(events.size()) < count) {
    t += RandomGap(rng);
    if (rng() % 25 == 0) {
      // A password-guessing run: enough failures to reach the login burst.
      const Ctx ctx = RandomContext(rng);
      for (int i = 0, n = 8 + static_cast<int>(rng() % 5); i < n; ++i) {
        t += rng() % (90 * kSecond);
        events.push_back(Login(next_id(), t, false, ctx));
      }
      continue;
    }
    events.push_back(RandomEvent(rng, next_id(), t));
  }
  return events;
}

std::vector<Event> RandomArrival(std::mt19937_64& rng,
                                 const std::vector<Event>& history,
                                 DurationMicros lateness) {
  // Picking any remaining event no later than the oldest remaining one plus
  // the lateness keeps every remaining event within the lateness of the
  // newest arrived so far.
  std::vector<Event> remaining = history;
  std::sort(remaining.begin(), remaining.end(),
            [](const Event& a, const Event& b) { return a.occurred_at < b.occurred_at; });
  std::vector<Event> order;
  while (!remaining.empty()) {
    const EpochMicros limit = remaining.front().occurred_at + lateness;
    std::size_t candidates = 0;
    while (candidates < remaining.size() &&
           remaining[candidates].occurred_at <= limit) {
      ++candidates;
    }
    const std::size_t pick = rng() % candidates;
    order.push_back(std::move(remaining[pick]));
    remaining.erase(remaining.begin() + static_cast<std::ptrdiff_t>(pick));
  }
  return order;
}

}  // namespace riskd::scoring::test
