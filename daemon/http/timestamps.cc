#include "daemon/http/timestamps.h"

#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/time_util.h>

#include <string>

namespace riskd::http {

using google::protobuf::util::TimeUtil;

std::optional<scoring::EpochMicros> ParseRfc3339(std::string_view text) {
  google::protobuf::Timestamp timestamp;
  if (!TimeUtil::FromString(std::string(text), &timestamp)) return std::nullopt;
  return MicrosOf(timestamp);
}

scoring::EpochMicros MicrosOf(const google::protobuf::Timestamp& timestamp) {
  return TimeUtil::TimestampToMicroseconds(timestamp);
}

void SetTimestamp(scoring::EpochMicros micros, google::protobuf::Timestamp* out) {
  *out = TimeUtil::MicrosecondsToTimestamp(micros);
}

}  // namespace riskd::http
