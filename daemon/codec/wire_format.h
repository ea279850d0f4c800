// Which encoding a Kafka message value uses: SPEC section 2 lets the
// `content-type` header decide and otherwise sniffs the first byte.
#pragma once

#include <optional>
#include <string_view>

#include "scoring/result.h"

namespace riskd::codec {

enum class WireFormat {
  kJson,      // proto3 JSON mapping
  kProtobuf,  // binary protobuf
};

// `content_type` is the header's value, absent when the message has none.
// A present header decides: `application/json` or `application/x-protobuf`
// (case-insensitive, parameters such as `; charset=utf-8` ignored); any
// other media type is an Error with code `unsupported_content_type`. An
// empty header value counts as absent. Without a header the value is JSON
// when its first byte after optional JSON whitespace is `{`, else binary.
//
// Binary AccountEvents usually begin with 0x0A (field 1, the event id),
// which is also JSON whitespace; sniffing only goes wrong when the event id
// itself starts with `{`. Producers of binary values should set the header.
Result<WireFormat> ChooseWireFormat(std::optional<std::string_view> content_type,
                                    std::string_view value);

}  // namespace riskd::codec
