// The cluster secret's text (cluster.secret or cluster.secret_file), read
// the same way by --check-config and at start. Never logged: errors name
// the key, the variable or the file, never the content.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "daemon/config/config.h"
#include "daemon/config/env_expand.h"
#include "scoring/result.h"

namespace riskd::config {

// Shorter secrets are refused (a config problem): a guessable key would let
// anyone sign. daemon/trust enforces the same bound.
inline constexpr std::size_t kMinClusterSecretBytes = 16;

// The secret: cluster.secret with ${ENV} expanded, or the content of the
// file cluster.secret_file names (${ENV} expanded in the path) without
// trailing CR/LF; nullopt when neither key is set. Error
// code "invalid_config", the message starting with the key at fault
// ("cluster.secret_file: cannot read …").
Result<std::optional<std::string>> ReadClusterSecret(const ClusterConfig& cluster, const EnvLookup& env);

// cluster.previous_secret with ${ENV} expanded; nullopt when not set.
Result<std::optional<std::string>> ReadPreviousClusterSecret(const ClusterConfig& cluster, const EnvLookup& env);

}  // namespace riskd::config
