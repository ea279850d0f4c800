// Signatures of riskd's internal Kafka records (membership and changelog):
// header `riskd-sig` holds the lowercase hex HMAC-SHA256, under the cluster
// secret, of the canonical encoding (cluster_key.h) of
//
//   "riskd-record-v1", the topic kind ("membership" | "changelog"),
//   the partition (decimal), the key, the value (absent for a null value,
//   a tombstone: distinct from an empty one), and the value of header
//   `riskd-epoch` (absent when the record has none: distinct from empty).
//
// So a record cannot be moved to the other topic or partition, nor its
// value, key or epoch changed, without the signature failing. It can still
// be replayed as it was (an old genuine record written again): the
// ownership epoch (riskd-epoch) and membership's publishedAt bound what
// that achieves. A record carrying two signature or two epoch headers is
// refused (which one would a reader believe?).
//
// Thread-safe (pure functions of their arguments).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/trust/cluster_key.h"

namespace riskd::trust {

inline constexpr std::string_view kSignatureHeader = "riskd-sig";
// The writer's ownership epoch of a changelog record's partition (decimal
// int64), written by the pipeline; covered by the signature when present.
inline constexpr std::string_view kEpochHeader = "riskd-epoch";

enum class RecordTopic { kMembership, kChangelog };
// "membership" | "changelog": the domain string, and the `topic` label of
// riskd_untrusted_records_total.
std::string_view TopicLabel(RecordTopic topic);

using Header = std::pair<std::string, std::string>;

// One record as produced or consumed. `value` nullopt: a null value.
struct RecordFields {
  RecordTopic topic = RecordTopic::kChangelog;
  int32_t partition = 0;
  std::string_view key;
  std::optional<std::string_view> value;
};

// Adds `riskd-sig` (replacing any) over `record` and the `riskd-epoch` of
// `headers` (signed as it is: so call this after the epoch header is set).
// False, and nothing added, when `headers` holds two riskd-epoch headers.
bool SignRecord(const ClusterKey& key, const RecordFields& record, std::vector<Header>* headers);

// Whether `headers` carry exactly one riskd-sig that verifies for `record`
// and its (at most one) riskd-epoch.
bool VerifyRecord(const ClusterKey& key, const RecordFields& record, const std::vector<Header>& headers);

}  // namespace riskd::trust
