// Key layout of the store. One column family per input partition, `p<N>`;
// inside it a one-byte tag separates the kinds of record so that each kind
// is one contiguous, ordered range:
//
//   'a' + account_id          -> 8-byte LE last event time + AccountState bytes
//   's' + account_id          -> the same account's state under the shadow
//                                config (ShadowRecord: last event time first too)
//   'o' + topic               -> 8-byte BE next offset of topic's partition N
//   'x' + 8-byte BE sequence  -> an OutboxEntry (RiskUpdates, dead letters)
//   'm' + name                -> per-partition metadata ("changelog_next": the
//                                changelog checkpoint, 8-byte BE;
//                                "changelog_epoch": the newest ownership epoch
//                                this state wrote or applied, 8-byte BE)
//
// Column family `audit`: 8-byte BE time + 8-byte BE sequence -> AuditEntry.
// Column family `meta`: name -> value (store format version, …).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/store/coding.h"

namespace riskd::store::keys {

inline constexpr char kAccount = 'a';
inline constexpr char kShadowAccount = 's';
inline constexpr char kOffset = 'o';
inline constexpr char kOutbox = 'x';
inline constexpr char kPartitionMeta = 'm';

inline constexpr const char* kChangelogCheckpoint = "changelog_next";
inline constexpr const char* kChangelogEpoch = "changelog_epoch";

inline std::string PartitionCf(int32_t partition) { return "p" + std::to_string(partition); }

// Parses "p<N>"; -1 when the name is not a partition column family.
inline int32_t ParsePartitionCf(std::string_view name) {
  if (name.size() < 2 || name[0] != 'p') return -1;
  int32_t n = 0;
  for (char c : name.substr(1)) {
    if (c < '0' || c > '9' || n > 100'000'000) return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

inline std::string Account(std::string_view id) {
  std::string k(1, kAccount);
  k.append(id);
  return k;
}

inline std::string ShadowAccount(std::string_view id) {
  std::string k(1, kShadowAccount);
  k.append(id);
  return k;
}

inline std::string Offset(std::string_view topic) {
  std::string k(1, kOffset);
  k.append(topic);
  return k;
}

inline std::string Outbox(uint64_t seq) {
  std::string k(1, kOutbox);
  PutFixed64BE(&k, seq);
  return k;
}

inline std::string PartitionMeta(std::string_view name) {
  std::string k(1, kPartitionMeta);
  k.append(name);
  return k;
}

inline std::string Audit(uint64_t at_micros, uint64_t seq) {
  std::string k;
  PutFixed64BE(&k, at_micros);
  PutFixed64BE(&k, seq);
  return k;
}

}  // namespace riskd::store::keys
