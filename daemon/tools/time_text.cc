#include "daemon/tools/time_text.h"

#include <google/protobuf/util/time_util.h>

namespace riskd::tools {

using google::protobuf::util::TimeUtil;

std::string FormatRfc3339(scoring::EpochMicros t) {
  return TimeUtil::ToString(TimeUtil::MicrosecondsToTimestamp(t));
}

Result<scoring::EpochMicros> ParseRfc3339(std::string_view text) {
  google::protobuf::Timestamp ts;
  if (!TimeUtil::FromString(std::string(text), &ts)) {
    return Error{"invalid_argument",
                 "not an RFC 3339 timestamp: \"" + std::string(text) + "\""};
  }
  return TimeUtil::TimestampToMicroseconds(ts);
}

std::string FormatDuration(scoring::DurationMicros d) {
  const bool negative = d < 0;
  std::int64_t s = (negative ? -d : d) / scoring::kSecond;
  const std::int64_t days = s / 86400, hours = s / 3600 % 24,
                     minutes = s / 60 % 60, seconds = s % 60;
  std::string out = negative ? "-" : "";
  if (days > 0) return out + std::to_string(days) + "d " + std::to_string(hours) + "h";
  if (hours > 0) return out + std::to_string(hours) + "h " + std::to_string(minutes) + "m";
  if (minutes > 0) return out + std::to_string(minutes) + "m " + std::to_string(seconds) + "s";
  return out + std::to_string(seconds) + "s";
}

}  // namespace riskd::tools
