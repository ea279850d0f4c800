// A tiny streaming JSON writer for riskctl's --json output: objects, arrays,
// escaped strings, finite numbers (NaN/inf and absent values as null).
// Commas are handled here so that callers read like the document they make.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace riskd::tools {

class JsonWriter {
 public:
  JsonWriter& BeginObject() { Value(); out_ += '{'; first_.push_back(true); return *this; }
  JsonWriter& EndObject() { out_ += '}'; first_.pop_back(); return *this; }
  JsonWriter& BeginArray() { Value(); out_ += '['; first_.push_back(true); return *this; }
  JsonWriter& EndArray() { out_ += ']'; first_.pop_back(); return *this; }

  JsonWriter& Key(std::string_view key) {
    Value();
    AppendString(key);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonWriter& String(std::string_view s) { Value(); AppendString(s); return *this; }
  JsonWriter& Bool(bool b) { Value(); out_ += b ? "true" : "false"; return *this; }
  JsonWriter& Null() { Value(); out_ += "null"; return *this; }
  JsonWriter& Int(std::int64_t n) { Value(); out_ += std::to_string(n); return *this; }
  JsonWriter& Number(double d) {
    if (!std::isfinite(d)) return Null();
    Value();
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", d);
    out_ += buf;
    return *this;
  }
  JsonWriter& Number(std::optional<double> d) { return d ? Number(*d) : Null(); }

  const std::string& str() const { return out_; }

 private:
  // Emits the comma before a value or key when needed.
  void Value() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
    }
  }
  void AppendString(std::string_view s) {
    out_ += '"';
    for (char ch : s) {
      const auto c = static_cast<unsigned char>(ch);
      if (c == '"' || c == '\\') {
        out_ += '\\';
        out_ += ch;
      } else if (c < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out_ += buf;
      } else {
        out_ += ch;
      }
    }
    out_ += '"';
  }

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace riskd::tools
