#include "daemon/kafka/partitioner.h"

#include <array>

namespace riskd::kafka {
namespace {

// The IEEE 802.3 CRC-32 table (reflected polynomial 0xEDB88320), which is
// what librdkafka's rd_crc32 computes.
constexpr std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}
constexpr auto kCrcTable = MakeCrcTable();

}  // namespace

std::optional<Partitioner> ParsePartitioner(std::string_view name) {
  if (name == "consistent_random") return Partitioner::kConsistentRandom;
  if (name == "consistent") return Partitioner::kConsistent;
  if (name == "murmur2_random") return Partitioner::kMurmur2Random;
  if (name == "murmur2") return Partitioner::kMurmur2;
  return std::nullopt;
}

uint32_t Crc32(std::string_view data) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : data) c = kCrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

// Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), seed 0x9747b28c.
uint32_t Murmur2(std::string_view data) {
  const uint32_t m = 0x5bd1e995;
  const int r = 24;
  const auto len = static_cast<uint32_t>(data.size());
  uint32_t h = 0x9747b28c ^ len;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  size_t i = 0;
  for (; i + 4 <= data.size(); i += 4) {
    uint32_t k = p[i] | (p[i + 1] << 8) | (p[i + 2] << 16) | (static_cast<uint32_t>(p[i + 3]) << 24);
    k *= m;
    k ^= k >> r;
    k *= m;
    h *= m;
    h ^= k;
  }
  switch (data.size() - i) {
    case 3: h ^= p[i + 2] << 16; [[fallthrough]];
    case 2: h ^= p[i + 1] << 8; [[fallthrough]];
    case 1: h ^= p[i]; h *= m;
  }
  h ^= h >> 13;
  h *= m;
  h ^= h >> 15;
  return h;
}

int32_t PartitionForKey(Partitioner partitioner, std::string_view key, int32_t partition_count) {
  if (partition_count <= 0) return 0;
  switch (partitioner) {
    case Partitioner::kMurmur2Random:
    case Partitioner::kMurmur2:
      return static_cast<int32_t>((Murmur2(key) & 0x7fffffff) % static_cast<uint32_t>(partition_count));
    case Partitioner::kConsistentRandom:
    case Partitioner::kConsistent:
    default:
      return static_cast<int32_t>(Crc32(key) % static_cast<uint32_t>(partition_count));
  }
}

}  // namespace riskd::kafka
