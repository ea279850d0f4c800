#include "daemon/codec/event_decoder.h"

#include <google/protobuf/stubs/logging.h>

#include <string>

#include "daemon/codec/enum_check.h"
#include "daemon/codec/event_validation.h"
#include "daemon/codec/json.h"
#include "daemon/codec/schema_registry_frame.h"
#include "daemon/codec/wire_format.h"

namespace riskd::codec {
namespace {

Status ParseBinary(std::string_view value, riskd::v1::AccountEvent* event) {
  // Confluent Schema Registry producers prefix the message with a frame;
  // a bare message is returned as it is (see schema_registry_frame.h).
  auto message = StripSchemaRegistryFrame(value);
  if (!message.ok()) return message.error();
  value = *message;
  // protobuf logs an unstructured line to stderr for every string that is
  // not UTF-8; a producer sending such events would flood the log. The
  // rejection already says it all, and riskd's own log is rate-limited.
  google::protobuf::LogSilencer quiet;
  if (!event->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return Error{std::string(kRejectMalformed), "not a valid binary AccountEvent"};
  }
  bool unknown_fields = false;
  if (auto path = FindUndefinedEnumValue(*event, &unknown_fields)) {
    return Error{std::string(kRejectUnknownEnum), *path + ": not a defined enum value"};
  }
  // Fields from a newer schema are ignored, and not carried into state.
  // (The walk above saw whether there are any: protobuf's own walk costs
  // as much as the parse, and most events have none.)
  if (unknown_fields) event->DiscardUnknownFields();
  return OkStatus();
}

Status ParseJson(std::string_view value, riskd::v1::AccountEvent* event) {
  JsonReadOptions options;
  options.reject_unknown_fields = false;  // schema evolution, SPEC section 2
  return FromJsonInto(value, event, options);
}

}  // namespace

Result<riskd::v1::AccountEvent> DecodeEvent(const RawMessage& msg, scoring::EpochMicros now,
                                            const DecodeOptions& options) {
  if (msg.value.size() > options.max_value_bytes) {
    return Error{std::string(kRejectTooLarge),
                 "value: " + std::to_string(msg.value.size()) + " bytes, limit " +
                     std::to_string(options.max_value_bytes)};
  }
  auto format = ChooseWireFormat(msg.content_type, msg.value);
  if (!format.ok()) return format.error();

  riskd::v1::AccountEvent event;
  Status parsed = *format == WireFormat::kJson ? ParseJson(msg.value, &event)
                                               : ParseBinary(msg.value, &event);
  if (!parsed.ok()) return parsed.error();
  if (auto valid = ValidateEvent(event, msg.key, now, options.max_future_skew); !valid) {
    return valid.error();
  }
  return event;
}

scoring::EpochMicros OccurredAtMicros(const riskd::v1::AccountEvent& event) {
  return event.occurred_at().seconds() * scoring::kSecond + event.occurred_at().nanos() / 1000;
}

}  // namespace riskd::codec
