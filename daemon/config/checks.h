// Stage 2 of loading: checks that look at the loaded Config as a whole
// (one key against another, names Kafka would refuse, scoring::Validate).
// Internal to riskd_config.
#pragma once

#include <vector>

#include "daemon/config/config.h"

namespace riskd::config {

// Every problem of `config`; empty when it may be used.
std::vector<scoring::ConfigProblem> CheckConfig(const Config& config, const LoadOptions& options);

}  // namespace riskd::config
