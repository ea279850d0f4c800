// Key -> partition, computed the way producers do it, so the HTTP API can
// find which partition (and so which column family) holds an account.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace riskd::kafka {

enum class Partitioner {
  kConsistentRandom,  // librdkafka's default: CRC32(key) % partitions
  kConsistent,        // same hash as consistent_random for non-empty keys
  kMurmur2Random,     // Java client's default: (murmur2(key) & 0x7fffffff) % partitions
  kMurmur2,
};

// Parses the librdkafka `partitioner` property names; nullopt otherwise.
std::optional<Partitioner> ParsePartitioner(std::string_view name);

// The partition of a non-empty key.
int32_t PartitionForKey(Partitioner partitioner, std::string_view key, int32_t partition_count);

uint32_t Crc32(std::string_view data);
uint32_t Murmur2(std::string_view data);

}  // namespace riskd::kafka
