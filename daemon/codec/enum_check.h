// proto3 enums are open: binary input (and JSON written as a number) keeps
// a value the schema does not define instead of failing. SPEC section 2
// rejects such values, so decoded messages are walked for them.
// Internal to riskd_codec.
#pragma once

#include <optional>
#include <string>

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace riskd::codec {

// The dotted lowerCamelCase path (e.g. `login.result`) of the first enum
// field, in field-number order and depth first, holding a number its enum
// does not define; nullopt when every enum value is defined. The generic
// form of the generated `*_IsValid` functions. With `unknown_fields`, also
// sets it to true when a message the walk visited (all of them when no
// undefined value is found) holds unknown fields: the caller can skip
// protobuf's DiscardUnknownFields walk in the common case of none.
std::optional<std::string> FindUndefinedEnumValue(const google::protobuf::Message& message,
                                                  bool* unknown_fields = nullptr);

}  // namespace riskd::codec
