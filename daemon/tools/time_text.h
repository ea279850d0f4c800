// RFC 3339 text for the tools' files and reports ("2026-11-01T00:00:00Z").
#pragma once

#include <string>
#include <string_view>

#include "scoring/result.h"
#include "scoring/time.h"

namespace riskd::tools {

// UTC, "Z", fractional seconds only when not whole.
std::string FormatRfc3339(scoring::EpochMicros t);

// Any RFC 3339 timestamp (offsets accepted); error code "invalid_argument".
Result<scoring::EpochMicros> ParseRfc3339(std::string_view text);

// "3h 25m", "2d 4h", "45s": a short human duration for reports.
std::string FormatDuration(scoring::DurationMicros d);

}  // namespace riskd::tools
