#include "daemon/codec/json_duplicates.h"

#include <string>
#include <unordered_set>

#include <google/protobuf/descriptor.h>

#include "daemon/codec/json_shape.h"

namespace riskd::codec {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// The key as a message reads it: the field's JSON name, whichever of the
// two names protobuf accepts was written; any other key as written.
std::string CanonicalKey(const Descriptor* d, const std::string& key, const FieldDescriptor** field) {
  *field = nullptr;
  if (d == nullptr || d->file()->package() == "google.protobuf") return key;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->json_name() == key || f->name() == key) {
      *field = f;
      return f->json_name();
    }
  }
  return key;
}

// The message an object value of `f` is read as (null: none, or not one
// whose field names matter).
const Descriptor* MessageOf(const FieldDescriptor* f) {
  if (f == nullptr || f->type() != FieldDescriptor::TYPE_MESSAGE || f->is_map()) return nullptr;
  return f->message_type();
}

// A key quoted in an error: bounded and printable.
std::string Printable(std::string_view text) {
  constexpr size_t kMax = 64;
  std::string out;
  for (char c : text.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > kMax) out += "...";
  return out;
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

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  Status Document(const Descriptor* d) {
    if (!Value(d, nullptr, "", 0)) return result_;
    SkipWhitespace();
    if (pos_ != text_.size()) return Malformed("trailing characters");
    return OkStatus();
  }

 private:
  // Every failure returns false after setting result_.
  bool Fail(Status status) {
    result_ = std::move(status);
    return false;
  }
  Status Malformed(const char* why) const {
    return Error{"malformed", std::string("not valid JSON: ") + why + " at byte " + std::to_string(pos_)};
  }
  bool Bad(const char* why) { return Fail(Malformed(why)); }

  void SkipWhitespace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Consume(char c) {
    SkipWhitespace();
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // One value. `d`: the message an object here is read as (when `f` is
  // null: the top level); `f`: the field this value belongs to. `path`
  // is only built inside the schema (copying it through a large unknown
  // subtree would make the scan quadratic).
  bool Value(const Descriptor* d, const FieldDescriptor* f, const std::string& path, int depth) {
    SkipWhitespace();
    if (pos_ >= text_.size()) return Bad("unexpected end");
    switch (text_[pos_]) {
      case '{': return Object(f != nullptr ? MessageOf(f) : d, path, depth + 1);
      case '[': return Array(f, path, depth + 1);
      case '"': return String(nullptr);
      case 't': return Literal("true");
      case 'f': return Literal("false");
      case 'n': return Literal("null");
      default: return Number();
    }
  }

  bool Object(const Descriptor* d, const std::string& path, int depth) {
    if (depth > kMaxJsonDepth) return Bad("nested too deeply");
    ++pos_;
    if (Consume('}')) return true;
    std::unordered_set<std::string> seen;
    do {
      SkipWhitespace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Bad("expected a key");
      std::string key;
      if (!String(&key)) return false;
      if (!Consume(':')) return Bad("expected ':'");
      const FieldDescriptor* f = nullptr;
      std::string canonical = CanonicalKey(d, key, &f);
      std::string key_path;
      if (d != nullptr) key_path = path.empty() ? canonical : path + "." + canonical;
      if (!seen.insert(std::move(canonical)).second) {
        return Fail(Error{"duplicate_field",
                          (d != nullptr ? Printable(key_path) : Printable(key)) + ": given more than once"});
      }
      if (!Value(nullptr, f, key_path, depth)) return false;
    } while (Consume(','));
    if (!Consume('}')) return Bad("expected ',' or '}'");
    return true;
  }

  // Elements of a repeated message field are read as that message.
  bool Array(const FieldDescriptor* f, const std::string& path, int depth) {
    if (depth > kMaxJsonDepth) return Bad("nested too deeply");
    ++pos_;
    if (Consume(']')) return true;
    const Descriptor* element = f != nullptr && f->is_repeated() ? MessageOf(f) : nullptr;
    int index = 0;
    do {
      std::string element_path = element != nullptr ? path + "[" + std::to_string(index++) + "]" : "";
      SkipWhitespace();
      if (pos_ < text_.size() && text_[pos_] == '{') {
        if (!Object(element, element_path, depth + 1)) return false;
      } else if (!Value(nullptr, nullptr, "", depth)) {
        return false;
      }
    } while (Consume(','));
    if (!Consume(']')) return Bad("expected ',' or ']'");
    return true;
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return Bad("expected a value");
    pos_ += word.size();
    return true;
  }

  // RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool Number() {
    auto digit = [this] { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
    auto digits = [&] {
      if (!digit()) return false;
      while (digit()) ++pos_;
      return true;
    };
    if (pos_ < text_.size() && text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (!digits()) {
      return Bad("expected a value");
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!digits()) return Bad("bad number");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!digits()) return Bad("bad number");
    }
    return true;
  }

  // At '"'. Decodes into `out` unless it is null.
  bool String(std::string* out) {
    ++pos_;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      if (c == '"') return true;
      if (static_cast<unsigned char>(c) < 0x20) return Bad("control character in string");
      if (c != '\\') {
        if (out) *out += c;
        continue;
      }
      if (pos_ >= text_.size()) break;
      const char e = text_[pos_++];
      switch (e) {
        case '"': case '\\': case '/': if (out) *out += e; break;
        case 'b': if (out) *out += '\b'; break;
        case 'f': if (out) *out += '\f'; break;
        case 'n': if (out) *out += '\n'; break;
        case 'r': if (out) *out += '\r'; break;
        case 't': if (out) *out += '\t'; break;
        case 'u': {
          unsigned cp = 0;
          if (!Hex4(&cp)) return Bad("bad \\u escape");
          // A high surrogate followed by \uDC00..\uDFFF is one code point.
          if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 1 < text_.size() && text_[pos_] == '\\' &&
              text_[pos_ + 1] == 'u') {
            const size_t save = pos_;
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
        default: return Bad("bad escape");
      }
    }
    return Bad("unterminated string");
  }

  bool Hex4(unsigned* cp) {
    if (pos_ + 4 > text_.size()) return false;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
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
  Status result_ = OkStatus();
};

}  // namespace

Status CheckNoDuplicateKeys(std::string_view json, const Descriptor* descriptor) {
  return Scanner(json).Document(descriptor);
}

}  // namespace riskd::codec
