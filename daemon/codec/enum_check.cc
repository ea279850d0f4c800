#include "daemon/codec/enum_check.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>

#include <vector>

namespace riskd::codec {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::string Join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

std::optional<std::string> Walk(const Message& message, const std::string& prefix) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);  // set fields, by number
  for (const FieldDescriptor* f : fields) {
    std::string path = Join(prefix, f->json_name());
    if (f->type() == FieldDescriptor::TYPE_ENUM) {
      if (f->is_repeated()) {
        for (int i = 0, n = reflection->FieldSize(message, f); i < n; ++i) {
          if (f->enum_type()->FindValueByNumber(reflection->GetRepeatedEnumValue(message, f, i)) ==
              nullptr) {
            return path + "[" + std::to_string(i) + "]";
          }
        }
      } else if (f->enum_type()->FindValueByNumber(reflection->GetEnumValue(message, f)) ==
                 nullptr) {
        return path;
      }
    } else if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0, n = reflection->FieldSize(message, f); i < n; ++i) {
          auto found = Walk(reflection->GetRepeatedMessage(message, f, i),
                            path + "[" + std::to_string(i) + "]");
          if (found) return found;
        }
      } else if (auto found = Walk(reflection->GetMessage(message, f), path)) {
        return found;
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> FindUndefinedEnumValue(const Message& message) {
  return Walk(message, "");
}

}  // namespace riskd::codec
