// A second look at a JSON document, beside protobuf's parser: protobuf
// either rejects a document for an unknown field or an unknown enum name
// without saying which it was (strict mode), or silently drops both
// (ignore_unknown_fields). riskd must ignore unknown fields but reject
// unknown enum names, so it walks the document against the schema itself.
// Internal to riskd_codec.
//
// The walk is a small single-pass scanner, linear in the input and bounded
// in depth: protobuf's own generic JSON types (google.protobuf.Struct) take
// time quadratic in the nesting depth, which a hostile producer could use
// to stall the consumer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scoring/result.h"

namespace google::protobuf {
class Descriptor;
}  // namespace google::protobuf

namespace riskd::codec {

// Objects and arrays may nest this deep; deeper documents are malformed.
inline constexpr int kMaxJsonDepth = 100;

struct JsonShapeProblem {
  enum class Kind {
    kUnknownField,  // a key the schema does not define
    kUnknownEnum,   // a string that names no value of the field's enum
  };
  Kind kind;
  // Dotted path in JSON names as written, e.g. `login.result`; array
  // elements add `[i]`.
  std::string path;
};

// Walks `json`, which must be one JSON object, against `descriptor` and
// returns every problem in document order. An Error (code `malformed`)
// when `json` is not a JSON object or nests deeper than kMaxJsonDepth.
// Type mismatches of known fields are not reported here: protobuf's parser
// reports those.
Result<std::vector<JsonShapeProblem>> FindJsonShapeProblems(
    std::string_view json, const google::protobuf::Descriptor& descriptor);

}  // namespace riskd::codec
