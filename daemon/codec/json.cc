#include "daemon/codec/json.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>

#include "daemon/codec/enum_check.h"
#include "daemon/codec/json_duplicates.h"
#include "daemon/codec/json_shape.h"

namespace riskd::codec {
namespace {

namespace pbu = google::protobuf::util;

// protobuf names fields in its errors by proto name (`occurred_at`); riskd's
// users only ever see JSON names (`occurredAt`).
std::string SnakeToCamel(std::string_view s) {
  std::string out;
  bool upper = false;
  for (char c : s) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += (upper && c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    upper = false;
  }
  return out;
}

// protobuf's parse errors may quote the input (a multi-line excerpt with a
// caret, the offending value). Events and bodies must not leak into logs or
// dead-letter headers, so keep the field path and the first words only.
std::string DescribeParseError(std::string_view text) {
  if (!text.empty() && text.front() == '(') {
    auto close = text.find(')');
    if (close != std::string_view::npos && close > 1) {
      return "not valid JSON: bad value for " + SnakeToCamel(text.substr(1, close - 1));
    }
  }
  text = text.substr(0, text.find('\n'));
  if (text.starts_with(": ")) text.remove_prefix(2);
  text = text.substr(0, text.find('"'));
  constexpr size_t kMax = 120;
  std::string out;
  for (char c : text.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  while (!out.empty() && (out.back() == ' ' || out.back() == ':')) out.pop_back();
  return out.empty() ? "not valid JSON" : "not valid JSON: " + out;
}

std::string_view MessageOf(const pbu::Status& status) {
  return {status.message().data(), status.message().size()};
}

// An unknown key is the client's text: bounded and printable in messages.
std::string Printable(std::string_view text) {
  constexpr size_t kMax = 64;
  std::string out;
  for (char c : text.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > kMax) out += "...";
  return out;
}

Status CheckEnums(const google::protobuf::Message& message) {
  if (auto path = FindUndefinedEnumValue(message)) {
    return Error{"unknown_enum", *path + ": not a defined enum value"};
  }
  return OkStatus();
}

}  // namespace

Result<std::string> TryToJson(const google::protobuf::Message& message) {
  pbu::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string out;
  auto status = pbu::MessageToJsonString(message, &out, options);
  if (!status.ok()) {
    return Error{"internal", "cannot encode " + message.GetDescriptor()->full_name() +
                                 " as JSON: " + std::string(MessageOf(status))};
  }
  return out;
}

std::string ToJson(const google::protobuf::Message& message) {
  auto json = TryToJson(message);
  if (json.ok()) return std::move(json).value();
  // The message text names a type and a field, never a value: safe to quote.
  std::string text;
  for (char c : json.error().message) {
    if (c == '"' || c == '\\') text += '\\';
    text += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return R"({"error":{"code":"INTERNAL","message":")" + text + "\"}}";
}

Status FromJsonInto(std::string_view json, google::protobuf::Message* out,
                    const JsonReadOptions& options) {
  // The common case costs one parse: a strict parse succeeds when there is
  // no unknown field and no unknown enum name. Only a failure pays for the
  // second look that tells those apart from malformed input.
  out->Clear();
  if (options.reject_duplicate_fields) {
    if (auto status = CheckNoDuplicateKeys(json, out->GetDescriptor()); !status.ok()) return status;
  }
  pbu::JsonParseOptions strict;
  strict.ignore_unknown_fields = false;
  auto status = pbu::JsonStringToMessage(json, out, strict);
  if (status.ok()) return CheckEnums(*out);

  auto problems = FindJsonShapeProblems(json, *out->GetDescriptor());
  if (!problems.ok()) return problems.error();
  for (const auto& p : *problems) {
    if (p.kind == JsonShapeProblem::Kind::kUnknownEnum) {
      return Error{"unknown_enum", p.path + ": not a defined enum value"};
    }
  }
  if (options.reject_unknown_fields) {
    for (const auto& p : *problems) {
      if (p.kind == JsonShapeProblem::Kind::kUnknownField) {
        return Error{"unknown_field", Printable(p.path) + ": no such field"};
      }
    }
    return Error{"malformed", DescribeParseError(MessageOf(status))};
  }

  out->Clear();
  pbu::JsonParseOptions lenient;
  lenient.ignore_unknown_fields = true;
  status = pbu::JsonStringToMessage(json, out, lenient);
  if (!status.ok()) return Error{"malformed", DescribeParseError(MessageOf(status))};
  return CheckEnums(*out);
}

}  // namespace riskd::codec
