// The one table of AccountEvent's string fields and their longest accepted
// value in bytes. event_validation.cc checks every row (a longer value is
// rejected with invalid_field, naming the row's path), and
// daemon/codec/README.md lists the same rows for producers; the codec test
// checks that the README and this table agree.
//
// Why bound them at all: every accepted string may end up in an account's
// stored state (device ids in pending events, ids as evidence) and in its
// changelog record, which must fit one Kafka message. The caps are far above
// what real producers send (an IPv6 address with a zone is under 64 bytes,
// user agents in the wild under 512) and small enough that a flood of
// maximal events keeps a state well inside its byte budget.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "riskd/v1/account_event.pb.h"

namespace riskd::codec {

struct StringFieldLimit {
  std::string_view path;  // the JSON path, as error messages name it
  std::size_t max_bytes;  // longest accepted value (UTF-8 bytes)
  // The field's value; "" when absent (an absent message reads as empty).
  const std::string& (*value)(const riskd::v1::AccountEvent&);
};

// Ids (eventId, accountId) are 1..kMaxIdBytes bytes long.
inline constexpr std::size_t kMaxIdBytes = 128;
inline constexpr std::size_t kMaxOpaqueIdBytes = 256;  // device, session, ticket ids
inline constexpr std::size_t kMaxUserAgentBytes = 512;
inline constexpr std::size_t kMaxShortTextBytes = 64;  // ip, country

using riskd::v1::AccountEvent;
inline constexpr std::array<StringFieldLimit, 9> kStringFieldLimits = {{
    {"eventId", kMaxIdBytes, [](const AccountEvent& e) -> const std::string& { return e.event_id(); }},
    {"accountId", kMaxIdBytes, [](const AccountEvent& e) -> const std::string& { return e.account_id(); }},
    {"context.ip", kMaxShortTextBytes,
     [](const AccountEvent& e) -> const std::string& { return e.context().ip(); }},
    {"context.deviceId", kMaxOpaqueIdBytes,
     [](const AccountEvent& e) -> const std::string& { return e.context().device_id(); }},
    {"context.userAgent", kMaxUserAgentBytes,
     [](const AccountEvent& e) -> const std::string& { return e.context().user_agent(); }},
    {"context.country", kMaxShortTextBytes,
     [](const AccountEvent& e) -> const std::string& { return e.context().country(); }},
    {"context.sessionId", kMaxOpaqueIdBytes,
     [](const AccountEvent& e) -> const std::string& { return e.context().session_id(); }},
    {"supportRequest.ticketId", kMaxOpaqueIdBytes,
     [](const AccountEvent& e) -> const std::string& { return e.support_request().ticket_id(); }},
    {"verification.ticketId", kMaxOpaqueIdBytes,
     [](const AccountEvent& e) -> const std::string& { return e.verification().ticket_id(); }},
}};

}  // namespace riskd::codec
