#include "daemon/codec/json_shape.h"

#include <cctype>

#include <google/protobuf/descriptor.h>

namespace riskd::codec {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Well-known types (Timestamp, Duration, …) have their own JSON forms and
// no riskd enums inside: nothing to walk.
bool IsWellKnown(const Descriptor& d) { return d.file()->package() == "google.protobuf"; }

// The parser accepts both the JSON name and the original proto name.
const FieldDescriptor* FindField(const Descriptor& d, const std::string& key) {
  for (int i = 0; i < d.field_count(); ++i) {
    const FieldDescriptor* f = d.field(i);
    if (f->json_name() == key || f->name() == key) return f;
  }
  return nullptr;
}

void AppendUtf8(std::string* out, unsigned cp) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Scans one JSON document. A null descriptor or field means "not in the
// schema": the value is checked for syntax and skipped.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  Status Document(const Descriptor& d) {
    SkipWhitespace();
    if (!Peek('{')) return Fail("not an object");
    if (!Object(&d, "", 1)) return Fail(why_);
    SkipWhitespace();
    if (pos_ != text_.size()) return Fail("trailing characters");
    return OkStatus();
  }

  std::vector<JsonShapeProblem> problems;

 private:
  Error Fail(const char* why) const {
    return Error{"malformed", std::string("not valid JSON: ") + why + " at byte " +
                                  std::to_string(pos_)};
  }
  bool Bad(const char* why) {
    why_ = why;
    return false;
  }

  void SkipWhitespace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool Consume(char c) {
    SkipWhitespace();
    if (!Peek(c)) return false;
    ++pos_;
    return true;
  }

  // At '{'. `d` is the message the object is read as, or null.
  bool Object(const Descriptor* d, const std::string& prefix, int depth) {
    if (depth > kMaxJsonDepth) return Bad("nested too deeply");
    ++pos_;
    if (Consume('}')) return true;
    do {
      SkipWhitespace();
      std::string key;
      if (!Peek('"') || !String(&key)) return Bad("expected a key");
      if (!Consume(':')) return Bad("expected ':'");
      // Paths are only built inside the schema: copying a prefix for every
      // value of a large unknown subtree would make the scan quadratic.
      std::string path;
      if (d != nullptr) path = prefix.empty() ? key : prefix + "." + key;
      const FieldDescriptor* f = nullptr;
      if (d != nullptr) {
        f = FindField(*d, key);
        if (f == nullptr) problems.push_back({JsonShapeProblem::Kind::kUnknownField, path});
      }
      if (!Value(f, path, depth, /*in_list=*/false)) return false;
    } while (Consume(','));
    if (!Consume('}')) return Bad("expected ',' or '}'");
    return true;
  }

  bool Value(const FieldDescriptor* f, const std::string& path, int depth, bool in_list) {
    SkipWhitespace();
    if (pos_ >= text_.size()) return Bad("unexpected end");
    char c = text_[pos_];
    if (c == '{') {
      const Descriptor* inner = nullptr;
      if (f != nullptr && f->type() == FieldDescriptor::TYPE_MESSAGE && !f->is_map() &&
          (in_list || !f->is_repeated()) && !IsWellKnown(*f->message_type())) {
        inner = f->message_type();
      }
      return Object(inner, path, depth + 1);
    }
    if (c == '[') {
      if (depth + 1 > kMaxJsonDepth) return Bad("nested too deeply");
      bool walk = f != nullptr && f->is_repeated() && !f->is_map() && !in_list;
      ++pos_;
      if (Consume(']')) return true;
      int index = 0;
      do {
        std::string element_path = walk ? path + "[" + std::to_string(index++) + "]" : "";
        if (!Value(walk ? f : nullptr, element_path, depth + 1, /*in_list=*/true)) {
          return false;
        }
      } while (Consume(','));
      if (!Consume(']')) return Bad("expected ',' or ']'");
      return true;
    }
    if (c == '"') {
      bool is_enum = f != nullptr && f->type() == FieldDescriptor::TYPE_ENUM &&
                     (in_list || !f->is_repeated());
      std::string value;
      if (!String(is_enum ? &value : nullptr)) return false;
      if (is_enum && f->enum_type()->FindValueByName(value) == nullptr) {
        problems.push_back({JsonShapeProblem::Kind::kUnknownEnum, path});
      }
      return true;
    }
    // Numbers and literals (true, false, null; protobuf also takes NaN and
    // Infinity unquoted in places): their exact syntax is protobuf's to judge.
    size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) ||
                                   text_[pos_] == '-' || text_[pos_] == '+' ||
                                   text_[pos_] == '.')) {
      ++pos_;
    }
    if (pos_ == start) return Bad("expected a value");
    return true;
  }

  // At '"'. Decodes into `out` unless it is null.
  bool String(std::string* out) {
    ++pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return Bad("control character in string");
      if (c != '\\') {
        if (out) *out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      char e = text_[pos_++];
      switch (e) {
        case '"': case '\\': case '/':
          if (out) *out += e;
          break;
        case 'b': if (out) *out += '\b'; break;
        case 'f': if (out) *out += '\f'; break;
        case 'n': if (out) *out += '\n'; break;
        case 'r': if (out) *out += '\r'; break;
        case 't': if (out) *out += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!Hex4(&cp)) return Bad("bad \\u escape");
          // A high surrogate followed by \uDC00..\uDFFF is one code point.
          if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 1 < text_.size() &&
              text_[pos_] == '\\' && text_[pos_ + 1] == 'u') {
            size_t save = pos_;
            pos_ += 2;
            unsigned low = 0;
            if (Hex4(&low) && low >= 0xDC00 && low < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            } else {
              pos_ = save;
            }
          }
          if (out) AppendUtf8(out, cp);
          break;
        }
        default:
          return Bad("bad escape");
      }
    }
    return Bad("unterminated string");
  }

  bool Hex4(unsigned* cp) {
    if (pos_ + 4 > text_.size()) return false;
    for (int i = 0; i < 4; ++i) {
      char h = text_[pos_++];
      unsigned v;
      if (h >= '0' && h <= '9') v = h - '0';
      else if (h >= 'a' && h <= 'f') v = h - 'a' + 10;
      else if (h >= 'A' && h <= 'F') v = h - 'A' + 10;
      else return false;
      *cp = *cp * 16 + v;
    }
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  const char* why_ = "invalid";
};

}  // namespace

Result<std::vector<JsonShapeProblem>> FindJsonShapeProblems(
    std::string_view json, const google::protobuf::Descriptor& descriptor) {
  Scanner scanner(json);
  if (auto status = scanner.Document(descriptor); !status) return status.error();
  return std::move(scanner.problems);
}

}  // namespace riskd::codec
