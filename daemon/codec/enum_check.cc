#include "daemon/codec/enum_check.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/unknown_field_set.h>

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace riskd::codec {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// The fields of a message type the walk looks at (enums and messages), in
// field-number order; the rest (strings, numbers) cannot hold an enum. Built
// once per type and thread: this runs for every consumed event, and
// Reflection::ListFields plus a path string per field cost more than
// decoding the event itself.
// Only types of the generated pool are cached: they live as long as the
// process, so a pointer cannot be reused by another type (a dynamic one's
// plan is rebuilt per call).
using Plan = std::vector<const FieldDescriptor*>;

Plan BuildPlan(const Descriptor* type) {
  Plan fields;
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* f = type->field(i);
    if (f->type() == FieldDescriptor::TYPE_ENUM || f->type() == FieldDescriptor::TYPE_MESSAGE) fields.push_back(f);
  }
  std::sort(fields.begin(), fields.end(),
            [](const FieldDescriptor* a, const FieldDescriptor* b) { return a->number() < b->number(); });
  return fields;
}

const Plan& PlanFor(const Descriptor* type, Plan& scratch) {
  if (type->file()->pool() != google::protobuf::DescriptorPool::generated_pool()) {
    scratch = BuildPlan(type);
    return scratch;
  }
  thread_local std::unordered_map<const Descriptor*, Plan> plans;
  auto it = plans.find(type);
  if (it != plans.end()) return it->second;
  return plans.emplace(type, BuildPlan(type)).first->second;
}

bool Present(const Message& message, const google::protobuf::Reflection& reflection, const FieldDescriptor* f) {
  if (f->is_repeated()) return reflection.FieldSize(message, f) > 0;
  // Singular: set (messages, explicit presence) or non-zero (proto3 implicit
  // presence enums; zero is always defined in a proto3 enum).
  return reflection.HasField(message, f);
}

// The path below `message` of its first undefined enum value, relative
// ("login.result"); the path string is built only when one is found.
std::optional<std::string> Walk(const Message& message, bool* unknown_fields) {
  const auto* reflection = message.GetReflection();
  if (unknown_fields && !reflection->GetUnknownFields(message).empty()) *unknown_fields = true;
  Plan scratch;
  for (const FieldDescriptor* f : PlanFor(message.GetDescriptor(), scratch)) {
    if (!Present(message, *reflection, f)) continue;
    if (f->type() == FieldDescriptor::TYPE_ENUM) {
      if (f->is_repeated()) {
        for (int i = 0, n = reflection->FieldSize(message, f); i < n; ++i) {
          if (f->enum_type()->FindValueByNumber(reflection->GetRepeatedEnumValue(message, f, i)) == nullptr) {
            return f->json_name() + "[" + std::to_string(i) + "]";
          }
        }
      } else if (f->enum_type()->FindValueByNumber(reflection->GetEnumValue(message, f)) == nullptr) {
        return f->json_name();
      }
    } else if (f->is_repeated()) {
      for (int i = 0, n = reflection->FieldSize(message, f); i < n; ++i) {
        if (auto found = Walk(reflection->GetRepeatedMessage(message, f, i), unknown_fields)) {
          return f->json_name() + "[" + std::to_string(i) + "]." + *found;
        }
      }
    } else if (auto found = Walk(reflection->GetMessage(message, f), unknown_fields)) {
      return f->json_name() + "." + *found;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> FindUndefinedEnumValue(const Message& message, bool* unknown_fields) {
  return Walk(message, unknown_fields);
}

}  // namespace riskd::codec
