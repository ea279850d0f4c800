// The values the store keeps, and their byte encodings. The encodings are the
// store's own (not protobuf) because they must stay readable by the
// compaction filter and by riskctl without the scoring library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace riskd::store {

// An account's state as stored: the scoring library's serialized
// AccountState, prefixed with the event time of its newest event so that the
// age-out compaction filter can read it without parsing the state.
struct AccountRecord {
  int64_t last_event_micros = 0;
  std::string state;  // scoring::AccountState::Serialize() bytes
};

std::string EncodeAccount(const AccountRecord& record);
std::optional<AccountRecord> DecodeAccount(std::string_view value);
// Just the prefix; nullopt when the value is too short to carry one.
std::optional<int64_t> DecodeLastEventMicros(std::string_view value);

// An account's state under the shadow config (scoring.shadow_config), kept
// beside its live state. `config_version` is the shadow config's version the
// state was built under: a state of another version is not reused (the
// pipeline seeds a new one from the live state). Encoded with the same 8-byte
// last-event prefix as AccountRecord, so the age-out filter treats both alike.
struct ShadowRecord {
  int64_t last_event_micros = 0;
  std::string config_version;
  std::string state;  // scoring::AccountState::Serialize() bytes
};

std::string EncodeShadow(const ShadowRecord& record);
std::optional<ShadowRecord> DecodeShadow(std::string_view value);

using Header = std::pair<std::string, std::string>;

// One message waiting to be published: a RiskUpdate, a dead letter, or a
// changelog record (an account's state, a tombstone, an offsets record).
// Kept in the same WriteBatch as the state change that produced it.
struct OutboxEntry {
  std::string topic;
  std::string key;
  std::string value;
  std::vector<Header> headers;
  // The topic partition to produce to; -1: the producer's partitioner.
  // Changelog records name theirs (partition N of the changelog = input
  // partition N).
  int32_t partition = -1;
  // Produce a null value (a changelog tombstone); `value` is then empty.
  bool tombstone = false;
};

std::string EncodeOutbox(const OutboxEntry& entry);
std::optional<OutboxEntry> DecodeOutbox(std::string_view value);

// One audited API action; mirrors http::AuditRecord without depending on it.
struct AuditEntry {
  int64_t at_micros = 0;
  std::string who;
  std::string what;
  std::string account_id;
  std::string outcome;
  std::string config_version;
  std::string detail_json;
};

std::string EncodeAudit(const AuditEntry& entry);
std::optional<AuditEntry> DecodeAudit(std::string_view value);
// One JSON object per entry, for `riskctl audit`.
std::string AuditToJson(const AuditEntry& entry);

}  // namespace riskd::store
