#include "daemon/trust/record_signer.h"

#include <algorithm>

namespace riskd::trust {
namespace {

constexpr std::string_view kDomain = "riskd-record-v1";

// The only value of header `name`: nullptr when absent; `*duplicate` when
// there are several.
const std::string* OnlyHeader(const std::vector<Header>& headers, std::string_view name, bool* duplicate) {
  const std::string* found = nullptr;
  for (const auto& [n, v] : headers) {
    if (n != name) continue;
    if (found) *duplicate = true;
    found = &v;
  }
  return found;
}

std::string Message(const RecordFields& record, const std::string* epoch) {
  Canonical c;
  c.Add(kDomain).Add(TopicLabel(record.topic)).Add(std::to_string(record.partition)).Add(record.key);
  if (record.value) {
    c.Add(*record.value);
  } else {
    c.AddAbsent();
  }
  if (epoch) {
    c.Add(*epoch);
  } else {
    c.AddAbsent();
  }
  return c.bytes();
}

}  // namespace

std::string_view TopicLabel(RecordTopic topic) {
  switch (topic) {
    case RecordTopic::kMembership: return "membership";
    case RecordTopic::kChangelog: return "changelog";
  }
  return "unknown";
}

bool SignRecord(const ClusterKey& key, const RecordFields& record, std::vector<Header>* headers) {
  std::erase_if(*headers, [](const Header& h) { return h.first == kSignatureHeader; });
  bool duplicate = false;
  const std::string* epoch = OnlyHeader(*headers, kEpochHeader, &duplicate);
  if (duplicate) return false;
  std::string mac = key.MacHex(Message(record, epoch));
  headers->emplace_back(std::string(kSignatureHeader), std::move(mac));
  return true;
}

bool VerifyRecord(const ClusterKey& key, const RecordFields& record, const std::vector<Header>& headers) {
  bool duplicate = false;
  const std::string* sig = OnlyHeader(headers, kSignatureHeader, &duplicate);
  const std::string* epoch = OnlyHeader(headers, kEpochHeader, &duplicate);
  if (!sig || duplicate) return false;
  return key.Verify(Message(record, epoch), *sig);
}

}  // namespace riskd::trust
