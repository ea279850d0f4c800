#include "daemon/codec/wire_format.h"

#include <string>

namespace riskd::codec {
namespace {

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

Result<WireFormat> ChooseWireFormat(std::optional<std::string_view> content_type,
                                    std::string_view value) {
  if (content_type && !Trim(*content_type).empty()) {
    std::string_view media = *content_type;
    if (auto semi = media.find(';'); semi != std::string_view::npos) media = media.substr(0, semi);
    media = Trim(media);
    if (EqualsIgnoringCase(media, "application/json")) return WireFormat::kJson;
    if (EqualsIgnoringCase(media, "application/x-protobuf")) return WireFormat::kProtobuf;
    // The header value comes from a producer: name it, but bounded.
    constexpr size_t kShown = 64;
    std::string shown;
    for (char c : media.substr(0, kShown)) shown += (c >= 0x20 && c < 0x7f) ? c : '?';
    if (media.size() > kShown) shown += "...";
    return Error{"unsupported_content_type",
                 "content-type: '" + shown +
                     "' is neither application/json nor application/x-protobuf"};
  }
  for (char c : value) {
    if (IsJsonWhitespace(c)) continue;
    return c == '{' ? WireFormat::kJson : WireFormat::kProtobuf;
  }
  return WireFormat::kProtobuf;
}

}  // namespace riskd::codec
