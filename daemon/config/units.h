// The units config values are written in: durations (`500ms`, `90s`,
// `10m`, `72h`, `30d`, SPEC section 7) and byte sizes (`65536`, `64KiB`,
// `64MiB`, `1GiB`).
#pragma once

#include <cstdint>
#include <string_view>

#include "scoring/result.h"
#include "scoring/time.h"

namespace riskd::config {

// A non-negative integer followed by one unit: us, ms, s, m, h, d. `0`
// alone is accepted; any other number needs a unit. Error code `duration`.
Result<scoring::DurationMicros> ParseDuration(std::string_view text);

// A non-negative integer, optionally followed by KiB, MiB or GiB (powers
// of 1024). Error code `bytes`.
Result<std::int64_t> ParseByteSize(std::string_view text);

}  // namespace riskd::config
