#include "daemon/config/units.h"

#include <charconv>
#include <optional>
#include <utility>
#include <limits>
#include <string>

namespace riskd::config {
namespace {

// Splits "123unit" into its digits and the rest; nullopt when there are
// no digits or the number overflows.
std::optional<std::pair<std::int64_t, std::string_view>> SplitNumber(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || value < 0 || text.front() == '+') {
    return std::nullopt;
  }
  return std::make_pair(value, text.substr(static_cast<size_t>(end - text.data())));
}

bool Scale(std::int64_t value, std::int64_t unit, std::int64_t* out) {
  if (value > std::numeric_limits<std::int64_t>::max() / unit) return false;
  *out = value * unit;
  return true;
}

}  // namespace

Result<scoring::DurationMicros> ParseDuration(std::string_view text) {
  static constexpr struct {
    std::string_view suffix;
    scoring::DurationMicros micros;
  } kUnits[] = {{"us", 1},
                {"ms", 1000},
                {"s", scoring::kSecond},
                {"m", scoring::kMinute},
                {"h", scoring::kHour},
                {"d", scoring::kDay}};
  const Error bad{"duration",
                  "must be a duration: a whole number and a unit (ms, s, m, h, d), e.g. 90s, "
                  "10m, 72h, 30d"};
  auto split = SplitNumber(text);
  if (!split) return bad;
  auto [value, unit] = *split;
  if (unit.empty()) return value == 0 ? Result<scoring::DurationMicros>(0) : bad;
  for (const auto& u : kUnits) {
    if (unit == u.suffix) {
      scoring::DurationMicros out;
      if (!Scale(value, u.micros, &out)) return Error{"duration", "is too long"};
      return out;
    }
  }
  return bad;
}

Result<std::int64_t> ParseByteSize(std::string_view text) {
  const Error bad{"bytes", "must be a byte count, optionally with KiB, MiB or GiB (e.g. 64MiB)"};
  auto split = SplitNumber(text);
  if (!split) return bad;
  auto [value, unit] = *split;
  std::int64_t multiplier = 1;
  if (unit == "KiB") {
    multiplier = std::int64_t{1} << 10;
  } else if (unit == "MiB") {
    multiplier = std::int64_t{1} << 20;
  } else if (unit == "GiB") {
    multiplier = std::int64_t{1} << 30;
  } else if (!unit.empty()) {
    return bad;
  }
  std::int64_t out;
  if (!Scale(value, multiplier, &out)) return Error{"bytes", "is too large"};
  return out;
}

}  // namespace riskd::config
