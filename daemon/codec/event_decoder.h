// Kafka message -> validated AccountEvent, or a rejection naming why
// (SPEC section 2). Used by the pipeline, riskctl and the tests; the same
// rules hold for JSON and binary protobuf input.
//
// What is checked, in this order (the first failure is reported):
//   too_large                 value longer than DecodeOptions::max_value_bytes
//   unsupported_content_type  a content-type header other than JSON/protobuf
//   malformed                 not decodable in the chosen wire form (JSON:
//                             also objects/arrays nested deeper than 100;
//                             binary: also a bad Schema Registry frame)
//   unknown_enum              an enum name or number the schema does not define,
//                             anywhere in the event (context included)
//   missing_field             eventId, accountId or occurredAt absent/empty
//   invalid_field             occurredAt outside years 1..9999; a string
//                             field longer than its limit in field_limits.h
//                             (eventId, accountId 128 bytes; ip, country 64;
//                             deviceId, sessionId, ticketIds 256; userAgent
//                             512); a latitude outside [-90, 90] or
//                             longitude outside [-180, 180] (NaN included)
//   payload_count             not exactly one of login, passwordReset,
//                             supportRequest, verification, accountChange
//   missing_field             a required enum of the payload unset or 0:
//                               login.result
//                               passwordReset.stage, passwordReset.channel
//                               supportRequest.channel, supportRequest.requestedAction
//                               verification.method, verification.result
//                               accountChange.field, accountChange.operation
//                             Optional: login.method, login.mfaPassed,
//                             supportRequest.ticketId/deliverTo/
//                             requesterAuthenticated, verification.ticketId,
//                             accountChange.actor, every context field.
//   key_mismatch              a non-empty key that differs from accountId
//   future_timestamp          occurredAt more than max_future_skew after `now`
// Binary values may carry Confluent Schema Registry framing (magic byte 0,
// schema id, message indexes) before the message: schema_registry_frame.h.
// Unknown fields are ignored in both forms and not kept in the result.
//
// Error::code is one of the kReject* strings below (the `reason` label of
// riskd_events_rejected_total and the `riskd-error` dead-letter header);
// Error::message names the field and never contains the value's bytes.
//
// Thread-safe: no shared state.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "daemon/codec/field_limits.h"
#include "riskd/v1/account_event.pb.h"
#include "scoring/result.h"
#include "scoring/time.h"

namespace riskd::codec {

inline constexpr std::string_view kRejectMalformed = "malformed";
inline constexpr std::string_view kRejectMissingField = "missing_field";
inline constexpr std::string_view kRejectInvalidField = "invalid_field";
inline constexpr std::string_view kRejectPayloadCount = "payload_count";
inline constexpr std::string_view kRejectUnknownEnum = "unknown_enum";
inline constexpr std::string_view kRejectKeyMismatch = "key_mismatch";
inline constexpr std::string_view kRejectFutureTimestamp = "future_timestamp";
inline constexpr std::string_view kRejectTooLarge = "too_large";
inline constexpr std::string_view kRejectUnsupportedContentType = "unsupported_content_type";

// Every code DecodeEvent can return, e.g. to create metric label sets once.
inline constexpr std::array<std::string_view, 9> kAllRejectReasons = {
    kRejectMalformed,   kRejectMissingField,     kRejectInvalidField,
    kRejectPayloadCount, kRejectUnknownEnum,     kRejectKeyMismatch,
    kRejectFutureTimestamp, kRejectTooLarge,     kRejectUnsupportedContentType};

// One consumed Kafka message. Views only: the caller keeps the bytes alive
// for the duration of the DecodeEvent call.
struct RawMessage {
  std::string_view value;                        // the message value
  std::optional<std::string_view> key;           // absent when the message has no key
  std::optional<std::string_view> content_type;  // the `content-type` header, if any
};

struct DecodeOptions {
  // Values longer than this many bytes are rejected (too_large) before any
  // parsing. Default 1 MiB.
  std::size_t max_value_bytes = std::size_t{1} << 20;

  // occurredAt may be at most this far after `now` (producer clocks drift);
  // beyond it the event is future_timestamp. Default 1 day (SPEC section 2).
  scoring::DurationMicros max_future_skew = scoring::kDay;
};

// Decodes and validates one message. `now` is the daemon's clock, passed in.
Result<riskd::v1::AccountEvent> DecodeEvent(const RawMessage& msg, scoring::EpochMicros now,
                                            const DecodeOptions& options = {});

// occurredAt as microseconds since the epoch. Precondition: the event was
// returned by DecodeEvent (so the timestamp is in range).
scoring::EpochMicros OccurredAtMicros(const riskd::v1::AccountEvent& event);

}  // namespace riskd::codec
