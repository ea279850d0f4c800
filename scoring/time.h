// Time in scoring/ is always passed in, never read from a clock.
#pragma once

#include <cstdint>

namespace riskd::scoring {

// Microseconds since the Unix epoch (UTC).
using EpochMicros = std::int64_t;
// A span of time in microseconds.
using DurationMicros = std::int64_t;

inline constexpr DurationMicros kSecond = 1'000'000;
inline constexpr DurationMicros kMinute = 60 * kSecond;
inline constexpr DurationMicros kHour = 60 * kMinute;
inline constexpr DurationMicros kDay = 24 * kHour;

}  // namespace riskd::scoring
