// The changelog of partition state (issue 9): what riskd publishes to
// kafka.changelog_topic so that another instance can rebuild a partition,
// and how a restorer reads it back. Partition N of the changelog mirrors
// input partition N; the topic is log-compacted, so the newest record of
// each key is what a restore needs.
//
//   key = account id, value = the stored AccountRecord bytes (EncodeAccount:
//         8-byte LE newest event time + AccountState bytes)
//   key = account id, value = null                  (tombstone: aged out)
//   key = kOffsetsKey, header riskd-changelog: offsets,
//         (every record also has header riskd-writer: <writer id>)
//         value = "topic=next_offset\n" per input topic (the input offsets
//         the state up to this record corresponds to; one per poll batch)
//
// Records are only ever produced from the outbox, in outbox order, by the
// partition's owner (see daemon/pipeline/README.md for the ordering). The
// publisher adds header riskd-sig as it produces each one, and readers
// check it before Classify (daemon/trust/record_signer.h,
// daemon/pipeline/changelog_trust.h): Classify itself trusts its input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/store/records.h"

namespace riskd::store::changelog {

// Header that marks an offsets record (its value is kOffsetsKind).
inline constexpr std::string_view kKindHeader = "riskd-changelog";
// Header naming the state directory that wrote a record (StateStore::writer_id).
inline constexpr std::string_view kWriterHeader = "riskd-writer";
inline constexpr std::string_view kOffsetsKind = "offsets";
// The key of offsets records: reserved (an account id cannot be compacted
// together with it unless it is exactly these bytes, NUL first).
inline const std::string kOffsetsKey{"\0riskd-offsets", 14};

using Offsets = std::vector<std::pair<std::string, int64_t>>;  // input topic -> next offset

std::string EncodeOffsets(const Offsets& offsets);
std::optional<Offsets> DecodeOffsets(std::string_view value);

// Every record carries `writer` in header riskd-writer.
OutboxEntry AccountEntry(const std::string& topic, int32_t partition, const std::string& writer,
                         const std::string& account_id, const AccountRecord& record);
OutboxEntry TombstoneEntry(const std::string& topic, int32_t partition, const std::string& writer,
                           const std::string& account_id);
OutboxEntry OffsetsEntry(const std::string& topic, int32_t partition, const std::string& writer,
                         const Offsets& offsets);

// One changelog message as a restorer sees it.
struct Record {
  enum class Kind { kAccount, kTombstone, kOffsets };
  Kind kind = Kind::kAccount;
  std::string key;        // account id (kAccount, kTombstone)
  std::string value;      // EncodeAccount bytes (kAccount)
  Offsets offsets;        // kOffsets
  std::string writer;     // header riskd-writer ("" when absent)
};

// Classifies a consumed changelog message; nullopt when it is not one riskd
// wrote (an account value shorter than its 8-byte prefix, a bad offsets
// value): the restorer skips it and counts it.
std::optional<Record> Classify(std::string_view key, bool null_value, std::string_view value,
                               const std::vector<Header>& headers);

}  // namespace riskd::store::changelog
