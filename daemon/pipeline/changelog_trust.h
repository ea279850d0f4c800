// The one check restore and standby make before a changelog message may
// touch state: it carries a valid `riskd-sig` under the cluster secret
// (daemon/trust/record_signer.h). One that does not is counted in
// riskd_untrusted_records_total{topic="changelog"} and must be skipped.
#pragma once

#include "daemon/kafka/message.h"
#include "daemon/trust/cluster_key.h"

namespace riskd::metrics {
class Metrics;
}

namespace riskd::pipeline {

// `key` null: nothing is verified (unit tests that run without a secret;
// the daemon always has one).
bool TrustedChangelogMessage(const trust::ClusterKey* key, const kafka::ConsumedMessage& message,
                             metrics::Metrics& metrics);

}  // namespace riskd::pipeline
