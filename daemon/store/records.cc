#include "daemon/store/records.h"

#include <cstdio>
#include <cstdlib>

#include "daemon/store/coding.h"

namespace riskd::store {
namespace {

// Bumped when an encoding changes incompatibly; readers refuse others.
// Outbox version 1 had no partition and no tombstone flag; it is still read.
constexpr char kOutboxVersion1 = 1;
constexpr char kOutboxVersion = 2;
constexpr char kAuditVersion = 1;

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

}  // namespace

std::string EncodeAccount(const AccountRecord& record) {
  std::string out;
  out.reserve(8 + record.state.size());
  PutFixed64LE(&out, static_cast<uint64_t>(record.last_event_micros));
  out.append(record.state);
  return out;
}

std::optional<int64_t> DecodeLastEventMicros(std::string_view value) {
  if (value.size() < 8) return std::nullopt;
  return static_cast<int64_t>(DecodeFixed64LE(value));
}

std::optional<AccountRecord> DecodeAccount(std::string_view value) {
  auto last = DecodeLastEventMicros(value);
  if (!last) return std::nullopt;
  return AccountRecord{*last, std::string(value.substr(8))};
}

std::string EncodeShadow(const ShadowRecord& record) {
  std::string out;
  out.reserve(8 + 1 + record.config_version.size() + record.state.size());
  PutFixed64LE(&out, static_cast<uint64_t>(record.last_event_micros));
  PutLengthPrefixed(&out, record.config_version);
  out.append(record.state);
  return out;
}

std::optional<ShadowRecord> DecodeShadow(std::string_view value) {
  auto last = DecodeLastEventMicros(value);
  if (!last) return std::nullopt;
  value.remove_prefix(8);
  ShadowRecord record;
  record.last_event_micros = *last;
  if (!GetLengthPrefixed(&value, &record.config_version)) return std::nullopt;
  record.state.assign(value);
  return record;
}

std::string EncodeOutbox(const OutboxEntry& entry) {
  std::string out(1, kOutboxVersion);
  PutLengthPrefixed(&out, entry.topic);
  PutLengthPrefixed(&out, entry.key);
  PutLengthPrefixed(&out, entry.value);
  PutLengthPrefixed(&out, std::to_string(entry.headers.size()));
  for (const auto& [name, value] : entry.headers) {
    PutLengthPrefixed(&out, name);
    PutLengthPrefixed(&out, value);
  }
  PutFixed64LE(&out, static_cast<uint64_t>(static_cast<int64_t>(entry.partition)));
  out.push_back(entry.tombstone ? 1 : 0);
  return out;
}

std::optional<OutboxEntry> DecodeOutbox(std::string_view in) {
  if (in.empty() || (in[0] != kOutboxVersion && in[0] != kOutboxVersion1)) return std::nullopt;
  const char version = in[0];
  in.remove_prefix(1);
  OutboxEntry e;
  std::string count;
  if (!GetLengthPrefixed(&in, &e.topic) || !GetLengthPrefixed(&in, &e.key) ||
      !GetLengthPrefixed(&in, &e.value) || !GetLengthPrefixed(&in, &count)) {
    return std::nullopt;
  }
  const unsigned long n = std::strtoul(count.c_str(), nullptr, 10);
  for (unsigned long i = 0; i < n; ++i) {
    Header h;
    if (!GetLengthPrefixed(&in, &h.first) || !GetLengthPrefixed(&in, &h.second)) return std::nullopt;
    e.headers.push_back(std::move(h));
  }
  if (version == kOutboxVersion) {
    if (in.size() != 9 || (in[8] != 0 && in[8] != 1)) return std::nullopt;
    e.partition = static_cast<int32_t>(static_cast<int64_t>(DecodeFixed64LE(in)));
    e.tombstone = in[8] == 1;
    in.remove_prefix(9);
  }
  if (!in.empty()) return std::nullopt;
  return e;
}

std::string EncodeAudit(const AuditEntry& entry) {
  std::string out(1, kAuditVersion);
  PutFixed64LE(&out, static_cast<uint64_t>(entry.at_micros));
  for (const std::string* s : {&entry.who, &entry.what, &entry.account_id, &entry.outcome,
                               &entry.config_version, &entry.detail_json}) {
    PutLengthPrefixed(&out, *s);
  }
  return out;
}

std::optional<AuditEntry> DecodeAudit(std::string_view in) {
  if (in.size() < 9 || in[0] != kAuditVersion) return std::nullopt;
  AuditEntry e;
  e.at_micros = static_cast<int64_t>(DecodeFixed64LE(in.substr(1)));
  in.remove_prefix(9);
  for (std::string* s : {&e.who, &e.what, &e.account_id, &e.outcome, &e.config_version, &e.detail_json}) {
    if (!GetLengthPrefixed(&in, s)) return std::nullopt;
  }
  if (!in.empty()) return std::nullopt;
  return e;
}

std::string AuditToJson(const AuditEntry& e) {
  std::string out = "{\"atMicros\":" + std::to_string(e.at_micros);
  const std::pair<const char*, const std::string*> fields[] = {
      {"who", &e.who}, {"what", &e.what}, {"accountId", &e.account_id},
      {"outcome", &e.outcome}, {"configVersion", &e.config_version}};
  for (const auto& [name, value] : fields) {
    out.append(",\"").append(name).append("\":");
    AppendJsonString(&out, *value);
  }
  // detail_json is already a JSON object (written by the API layer).
  out.append(",\"detail\":").append(e.detail_json.empty() ? "{}" : e.detail_json);
  out.push_back('}');
  return out;
}

}  // namespace riskd::store
