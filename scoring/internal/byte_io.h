// Minimal binary writer/reader for AccountState's format: little-endian
// fixed-width integers and doubles (bit-exact), LEB128 varints, and
// length-prefixed strings. The reader never reads past its input: every
// call checks the remaining bytes and latches a failure instead.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace riskd::scoring::internal {

class ByteWriter {
 public:
  void U8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void Bool(bool v) { U8(v ? 1 : 0); }
  void Varint(std::uint64_t v) {
    while (v >= 0x80) {
      U8(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    U8(static_cast<std::uint8_t>(v));
  }
  // Times and durations: zigzag so that kNever and negatives stay small-ish.
  void I64(std::int64_t v) {
    Varint((static_cast<std::uint64_t>(v) << 1) ^
           static_cast<std::uint64_t>(v >> 63));
  }
  void Fixed64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) U8(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  void Double(double v) { Fixed64(std::bit_cast<std::uint64_t>(v)); }
  void String(std::string_view s) {
    Varint(s.size());
    out_.append(s);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class ByteReader {
 public:
  // About +-12,000 years around 1970 in microseconds: beyond any valid
  // event time (years 1..9999) plus any valid duration.
  static constexpr std::int64_t kTimeBound = 400'000'000'000'000'000;

  explicit ByteReader(std::string_view in) : in_(in) {}

  bool ok() const { return ok_; }
  bool AtEnd() const { return pos_ == in_.size(); }
  std::size_t remaining() const { return in_.size() - pos_; }
  void Fail() { ok_ = false; }

  std::uint8_t U8() {
    if (!ok_ || pos_ >= in_.size()) return Failed();
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  bool Bool() {
    const std::uint8_t v = U8();
    if (v > 1) Fail();
    return v == 1;
  }
  std::uint64_t Varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = U8();
      if (!ok_) return 0;
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Failed();
  }
  std::int64_t I64() {
    const std::uint64_t z = Varint();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  // An event time or duration: bounded so that later arithmetic (t - at,
  // t + period) cannot overflow, whatever the bytes said.
  std::int64_t Time() {
    const std::int64_t v = I64();
    if (v < -kTimeBound || v > kTimeBound) Fail();
    return ok_ ? v : 0;
  }
  // Time(), or the "never" sentinel (the minimum int64).
  std::int64_t TimeOrNever() {
    const std::int64_t v = I64();
    if (v == INT64_MIN) return v;
    if (v < -kTimeBound || v > kTimeBound) Fail();
    return ok_ ? v : 0;
  }
  std::uint64_t Fixed64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(U8()) << (8 * i);
    return v;
  }
  double Double() { return std::bit_cast<double>(Fixed64()); }
  std::string String(std::size_t max_bytes) {
    const std::uint64_t n = Varint();
    if (!ok_ || n > max_bytes || n > remaining()) {
      Fail();
      return {};
    }
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // A count of items that each take at least one byte: bounded by `max` and
  // by what is left, so garbage cannot make the parser allocate wildly.
  std::size_t Count(std::size_t max) {
    const std::uint64_t n = Varint();
    if (!ok_ || n > max || n > remaining()) {
      Fail();
      return 0;
    }
    return static_cast<std::size_t>(n);
  }
  // An enum stored as one byte, checked against its value count.
  template <typename Enum>
  Enum Enum8(int count) {
    const std::uint8_t v = U8();
    if (v >= count) Fail();
    return static_cast<Enum>(ok_ ? v : 0);
  }

 private:
  std::uint8_t Failed() {
    ok_ = false;
    return 0;
  }
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace riskd::scoring::internal
