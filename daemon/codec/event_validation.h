// The checks of SPEC section 2 that apply to a parsed AccountEvent, the
// same for both wire forms. The order and the codes are documented in
// event_decoder.h. Internal to riskd_codec.
#pragma once

#include <optional>
#include <string_view>

#include "riskd/v1/account_event.pb.h"
#include "scoring/result.h"
#include "scoring/time.h"

namespace riskd::codec {

// Everything after parsing except enum definedness (checked while parsing):
// ids, occurredAt, string lengths, payload count, the payload's required enums, context
// coordinates, key agreement and future timestamps.
Status ValidateEvent(const riskd::v1::AccountEvent& event, std::optional<std::string_view> key,
                     scoring::EpochMicros now, scoring::DurationMicros max_future_skew);

}  // namespace riskd::codec
