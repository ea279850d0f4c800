#include "daemon/store/changelog.h"

#include <charconv>
#include <vector>

namespace riskd::store::changelog {

std::string EncodeOffsets(const Offsets& offsets) {
  // Text, so that `kcat -t <changelog>` shows it: topic names hold neither
  // '=' nor '\n'.
  std::string out;
  for (const auto& [topic, offset] : offsets) out += topic + "=" + std::to_string(offset) + "\n";
  return out;
}

std::optional<Offsets> DecodeOffsets(std::string_view value) {
  Offsets out;
  while (!value.empty()) {
    const size_t nl = value.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    const std::string_view line = value.substr(0, nl);
    value.remove_prefix(nl + 1);
    const size_t eq = line.rfind('=');
    if (eq == std::string_view::npos || eq == 0) return std::nullopt;
    int64_t offset = 0;
    const auto digits = line.substr(eq + 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), offset);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || offset < 0) return std::nullopt;
    out.emplace_back(std::string(line.substr(0, eq)), offset);
  }
  return out;
}

OutboxEntry AccountEntry(const std::string& topic, int32_t partition, const std::string& writer,
                         const std::string& account_id, const AccountRecord& record) {
  OutboxEntry e{topic, account_id, EncodeAccount(record), {{std::string(kWriterHeader), writer}}};
  e.partition = partition;
  return e;
}

OutboxEntry TombstoneEntry(const std::string& topic, int32_t partition, const std::string& writer,
                           const std::string& account_id) {
  OutboxEntry e{topic, account_id, "", {{std::string(kWriterHeader), writer}}};
  e.partition = partition;
  e.tombstone = true;
  return e;
}

OutboxEntry OffsetsEntry(const std::string& topic, int32_t partition, const std::string& writer,
                         const Offsets& offsets) {
  OutboxEntry e{topic, kOffsetsKey, EncodeOffsets(offsets),
                {{std::string(kKindHeader), std::string(kOffsetsKind)}, {std::string(kWriterHeader), writer}}};
  e.partition = partition;
  return e;
}

OutboxEntry ClaimEntry(const std::string& topic, int32_t partition, const std::string& writer, int64_t epoch) {
  OutboxEntry e{topic, kClaimKey, std::to_string(epoch),
                {{std::string(kKindHeader), std::string(kClaimKind)}, {std::string(kWriterHeader), writer}}};
  e.partition = partition;
  SetEpoch(e.headers, epoch);
  return e;
}

void SetEpoch(std::vector<Header>& headers, int64_t epoch) {
  std::erase_if(headers, [](const Header& h) { return h.first == kEpochHeader; });
  headers.emplace_back(std::string(kEpochHeader), std::to_string(epoch));
}

std::optional<int64_t> ParseEpoch(std::string_view text) {
  int64_t epoch = 0;
  if (text.empty() || text.size() > 19) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), epoch);
  if (ec != std::errc() || ptr != text.data() + text.size() || epoch < 0) return std::nullopt;
  return epoch;
}

std::optional<Record> Classify(std::string_view key, bool null_value, std::string_view value,
                               const std::vector<Header>& headers) {
  Record r;
  r.key.assign(key);
  int epochs = 0;
  for (const auto& [name, v] : headers) {
    if (name == kWriterHeader) r.writer = v;
    if (name == kEpochHeader) {
      auto epoch = ParseEpoch(v);
      if (!epoch || ++epochs > 1) return std::nullopt;
      r.epoch = *epoch;
    }
  }
  for (const auto& [name, v] : headers) {
    if (name == kKindHeader && v == kClaimKind) {
      // A claim names its epoch twice (value and header): they must agree.
      auto epoch = ParseEpoch(value);
      if (null_value || epochs != 1 || !epoch || *epoch != r.epoch) return std::nullopt;
      r.kind = Record::Kind::kClaim;
      return r;
    }
    if (name == kKindHeader && v == kOffsetsKind) {
      auto offsets = DecodeOffsets(value);
      if (!offsets) return std::nullopt;
      r.kind = Record::Kind::kOffsets;
      r.offsets = std::move(*offsets);
      return r;
    }
  }
  if (key.empty()) return std::nullopt;
  if (null_value) {
    r.kind = Record::Kind::kTombstone;
    return r;
  }
  if (!DecodeLastEventMicros(value)) return std::nullopt;
  r.kind = Record::Kind::kAccount;
  r.value.assign(value);
  return r;
}

}  // namespace riskd::store::changelog
