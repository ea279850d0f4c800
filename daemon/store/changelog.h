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
//         value = "topic=next_offset\n" per input topic (the input offsets
//         the state up to this record corresponds to; one per poll batch)
//   key = kClaimKey, header riskd-changelog: claim, value = the epoch in
//         decimal: an owner's claim of the partition (fencing, below)
//
// Every record has header riskd-writer: <writer id> and, from the version
// that fences, riskd-epoch: <decimal int64>, the writer's ownership epoch
// of the partition, stamped when the record is produced (SetEpoch). An
// owner's epoch is the changelog offset of its own claim record: a claim is
// valid only where it landed at exactly that offset (nothing came between
// the state the owner holds and its claim), so valid epochs grow with the
// log and a later owner's is always greater. Readers drop records of an
// older epoch than one they applied (daemon/pipeline/fencing.h; the
// reasoning is in daemon/pipeline/README.md, "Fencing").
//
// Account, tombstone and offsets records are produced from the outbox, in
// outbox order, by the partition's owner (see daemon/pipeline/README.md for
// the ordering); claims and analysts' labels are produced directly.
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
inline constexpr std::string_view kClaimKind = "claim";
// The writer's ownership epoch of the record's partition (decimal int64).
// Covered by the record's signature (daemon/trust): keep the name.
inline constexpr std::string_view kEpochHeader = "riskd-epoch";
// The key of offsets records: reserved (an account id cannot be compacted
// together with it unless it is exactly these bytes, NUL first).
inline const std::string kOffsetsKey{"\0riskd-offsets", 14};
// The key of claim records (reserved the same way; compaction keeps the
// newest claim, and every record carries its epoch anyway).
inline const std::string kClaimKey{"\0riskd-claim", 12};

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
// An owner's claim of `partition` with epoch `epoch` (= the offset where it
// must land to be valid), header riskd-epoch set.
OutboxEntry ClaimEntry(const std::string& topic, int32_t partition, const std::string& writer, int64_t epoch);

// Sets header riskd-epoch to `epoch`, replacing any (a record with two
// would be refused by its readers).
void SetEpoch(std::vector<Header>& headers, int64_t epoch);
// A riskd-epoch value: decimal, >= 0, nothing else.
std::optional<int64_t> ParseEpoch(std::string_view text);

// One changelog message as a restorer sees it.
struct Record {
  enum class Kind { kAccount, kTombstone, kOffsets, kClaim };
  Kind kind = Kind::kAccount;
  std::string key;        // account id (kAccount, kTombstone)
  std::string value;      // EncodeAccount bytes (kAccount)
  Offsets offsets;        // kOffsets
  std::string writer;     // header riskd-writer ("" when absent)
  int64_t epoch = 0;      // header riskd-epoch; 0 when absent (written before fencing)
};

// Classifies a consumed changelog message; nullopt when it is not one riskd
// wrote (an account value shorter than its 8-byte prefix, a bad offsets
// value, a riskd-epoch that is not one decimal int64, two riskd-epoch
// headers, a claim whose value is not its epoch): the restorer skips it.
std::optional<Record> Classify(std::string_view key, bool null_value, std::string_view value,
                               const std::vector<Header>& headers);

}  // namespace riskd::store::changelog
