// riskd's JSON: the proto3 JSON mapping (lowerCamelCase names, enums as
// bare names, RFC 3339 timestamps), for HTTP bodies, RiskUpdates on the
// decisions topic and JSON events. Only this header and json.cc know how
// protobuf spells it.
#pragma once

#include <string>
#include <string_view>

#include "scoring/result.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace riskd::codec {

// Prints `message` in proto3 JSON: lowerCamelCase names, every primitive,
// enum and repeated field printed even when zero or empty (clients see a
// stable shape), unset message fields (timestamps) omitted, no whitespace.
// Fails (code `internal`) only for messages JSON cannot represent: a
// Timestamp outside years 1..9999.
Result<std::string> TryToJson(const google::protobuf::Message& message);

// TryToJson for messages riskd built itself, whose timestamps are in range.
// Should that precondition ever fail it returns
// `{"error":{"code":"INTERNAL","message":"…"}}` rather than crash: a bug
// must not take the daemon down.
std::string ToJson(const google::protobuf::Message& message);

// How strictly FromJson reads.
struct JsonReadOptions {
  // Reject keys the schema does not define (code `unknown_field`).
  // Default true for HTTP request bodies: a misspelt optional field
  // (`"deliverto"`) would otherwise be silently read as absent and the
  // decision made on less than the caller said. Events set it to false
  // (SPEC section 2: producers may add fields first).
  bool reject_unknown_fields = true;
  // Reject a key given twice in one object (code `duplicate_field`), in
  // any spelling that names the same field (json_duplicates.h). protobuf
  // keeps the last value silently. HTTP request bodies set it; events do
  // not (a producer may write anything anyway).
  bool reject_duplicate_fields = false;
};

// Parses `json` into `*out` (cleared first). Error codes:
//   `malformed`     not JSON, not an object, a value of the wrong type,
//                   a bad timestamp, trailing garbage;
//   `unknown_enum`  an enum name or number the schema does not define
//                   (always, whatever the options);
//   `unknown_field` a key the schema does not define (when rejected);
//   `duplicate_field` a key given twice in one object (when rejected;
//                   then also `malformed` for anything but strict JSON).
// Messages name the field by its JSON path (`login.result`) and never
// echo the input.
Status FromJsonInto(std::string_view json, google::protobuf::Message* out,
                    const JsonReadOptions& options = {});

template <typename T>
Result<T> FromJson(std::string_view json, const JsonReadOptions& options = {}) {
  T message;
  Status status = FromJsonInto(json, &message, options);
  if (!status.ok()) return status.error();
  return message;
}

}  // namespace riskd::codec
