// One day of an honest customer's activity: logins from home, work and the
// phone, typos, trips, VPNs, forgotten passwords reset by email from their own
// devices, support contacts verified with the PIN, new phones. Some of it
// looks suspicious on purpose (a reset then a credential request, a VPN exit
// far away): the false positives a backtest must show.
#pragma once

#include <cstdint>
#include <vector>

#include "daemon/tools/synth_event.h"
#include "daemon/tools/world.h"
#include "scoring/time.h"

namespace riskd::tools {

// Appends the events of day `day` (which starts at `day_start`, UTC) of the
// customer `profile`. Every event falls inside that UTC day. A pure function
// of its arguments.
void GenerateBenignDay(const Profile& profile, std::uint64_t seed, int day,
                       scoring::EpochMicros day_start,
                       std::vector<SynthEvent>& out);

// Where the customer is on `day` when not at work: home, or the trip's
// destination. Travel days (the first and last of a trip) count as home.
const Place& WhereIs(const Profile& profile, int day);

// The phone the customer carries on `day`.
std::uint64_t PhoneOn(const Profile& profile, int day);

}  // namespace riskd::tools
