#include "daemon/pipeline/changelog_trust.h"

#include <optional>
#include <string_view>

#include "daemon/metrics/metrics.h"
#include "daemon/trust/record_signer.h"

namespace riskd::pipeline {

bool TrustedChangelogMessage(const trust::ClusterKey* key, const kafka::ConsumedMessage& m,
                             metrics::Metrics& metrics) {
  if (!key) return true;
  const trust::RecordFields fields{trust::RecordTopic::kChangelog, m.partition, m.key,
                                   m.null_value ? std::nullopt : std::optional<std::string_view>(m.value)};
  if (trust::VerifyRecord(*key, fields, m.headers)) return true;
  metrics.UntrustedChangelogRecord();
  return false;
}

}  // namespace riskd::pipeline
