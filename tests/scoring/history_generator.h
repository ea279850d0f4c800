// Random account histories for the property tests: clustered in time so
// that windows, bursts, resets and clearings interact, with ties in event
// time, a handful of contexts, and labels.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "scoring/event.h"

namespace riskd::scoring::test {

// `count` events with unique ids, ascending in event time (ties possible).
std::vector<Event> RandomHistory(std::mt19937_64& rng, int count);

// A random arrival order of `history` (sorted by time) in which every event
// arrives no more than `lateness` behind the newest event arrived before it.
std::vector<Event> RandomArrival(std::mt19937_64& rng,
                                 const std::vector<Event>& history,
                                 DurationMicros lateness);

}  // namespace riskd::scoring::test
