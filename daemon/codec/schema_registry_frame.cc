#include "daemon/codec/schema_registry_frame.h"

#include <cstdint>
#include <optional>
#include <string>

#include "daemon/codec/event_decoder.h"

namespace riskd::codec {
namespace {

constexpr char kMagicByte = 0;
constexpr std::size_t kHeaderBytes = 5;  // magic byte + 4-byte schema id

// Reads one zigzag varint that must fit in 32 bits (Confluent writes the
// count and the indexes as zigzag int32). Advances `in` past it.
std::optional<std::int32_t> ReadZigZag32(std::string_view* in) {
  std::uint64_t raw = 0;
  for (int shift = 0; shift < 35; shift += 7) {
    if (in->empty()) return std::nullopt;
    const auto byte = static_cast<std::uint8_t>(in->front());
    in->remove_prefix(1);
    raw |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      if (raw > 0xffffffffu) return std::nullopt;
      const auto u = static_cast<std::uint32_t>(raw);
      return static_cast<std::int32_t>((u >> 1) ^ (~(u & 1) + 1));
    }
  }
  return std::nullopt;  // more than 5 bytes: not a 32-bit varint
}

Error Bad(std::string what) {
  return Error{std::string(kRejectMalformed), "schema registry frame: " + std::move(what)};
}

}  // namespace

Result<std::string_view> StripSchemaRegistryFrame(std::string_view value) {
  if (value.empty() || value.front() != kMagicByte) return value;
  if (value.size() < kHeaderBytes) return Bad("shorter than the magic byte and 4-byte schema id");
  std::string_view rest = value.substr(kHeaderBytes);
  const auto count = ReadZigZag32(&rest);
  if (!count) return Bad("message-index count is not a valid varint");
  if (*count < 0) return Bad("negative message-index count");
  // Each index takes at least one byte: a larger count cannot be honest,
  // and bounding it keeps a hostile count from costing a long loop.
  if (static_cast<std::size_t>(*count) > rest.size()) return Bad("more message indexes than bytes");
  for (std::int32_t i = 0; i < *count; ++i) {
    const auto index = ReadZigZag32(&rest);
    if (!index) return Bad("message index is not a valid varint");
    if (*index < 0) return Bad("negative message index");
  }
  return rest;
}

}  // namespace riskd::codec
