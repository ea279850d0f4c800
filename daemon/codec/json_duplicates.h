// Refuses a JSON document that gives one key twice in the same object.
// protobuf's parser keeps the last value silently, so
// {"action":"SEND_CREDENTIALS",…,"action":"OTHER"} would be evaluated as
// OTHER: a log or a proxy that reads the first key sees a different
// request than the one answered. Internal to riskd_codec (FromJsonInto
// runs it when JsonReadOptions::reject_duplicate_fields is set).
//
// Two keys are the same when they decode to the same text (escapes
// resolved: "act\u0069on" is "action") or, inside an object read as a
// protobuf message, name the same field (its JSON name `deliverTo` and
// its proto name `deliver_to` both do). Every object is checked, nested
// ones and those inside arrays too.
//
// The scan is strict RFC 8259 JSON, linear in the input and bounded in
// depth (kMaxJsonDepth). protobuf's own parser is more lenient (it takes
// single-quoted strings, for one); a document outside strict JSON is
// refused as malformed here, so no spelling the scan does not understand
// can hide a second key from it.
#pragma once

#include <string_view>

#include "scoring/result.h"

namespace google::protobuf {
class Descriptor;
}  // namespace google::protobuf

namespace riskd::codec {

// OkStatus when `json` is one strict JSON value without a duplicate key.
// Errors:
//   `duplicate_field` a key given twice in one object; the message names
//                     it by its path (`login.result`, `items[2].id`);
//   `malformed`       not strict JSON, or nested deeper than kMaxJsonDepth.
// `descriptor` is the message the top-level object is read as (null: keys
// are compared as text only). Messages never echo more than 64 bytes of a
// key, and never a value.
Status CheckNoDuplicateKeys(std::string_view json, const google::protobuf::Descriptor* descriptor);

}  // namespace riskd::codec
