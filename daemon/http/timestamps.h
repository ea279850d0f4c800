// RFC 3339 text and google.protobuf.Timestamp <-> scoring::EpochMicros.
#pragma once

#include <optional>
#include <string_view>

#include "scoring/time.h"

namespace google::protobuf {
class Timestamp;
}

namespace riskd::http {

// "2026-11-28T09:12:00Z", "2026-11-28T10:12:00.5+01:00": the RFC 3339 forms
// protobuf's JSON mapping accepts (years 0001..9999). nullopt otherwise.
std::optional<scoring::EpochMicros> ParseRfc3339(std::string_view text);

scoring::EpochMicros MicrosOf(const google::protobuf::Timestamp& timestamp);
void SetTimestamp(scoring::EpochMicros micros, google::protobuf::Timestamp* out);

}  // namespace riskd::http
