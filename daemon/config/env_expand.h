// `${NAME}` expansion for the few keys that differ per replica
// (kafka.instance_id, http.advertised_url), so one file (one Kubernetes
// ConfigMap) serves every pod: `instance_id: "${POD_NAME}"`.
//
// The config keeps the text as written (so configVersion is the same on
// every replica); daemon/app expands it at start. `$$` is a literal `$`; a
// `$` followed by anything else, an unclosed `${`, or a name that is not
// [A-Za-z_][A-Za-z0-9_]* is an error, as is (at start) an unset variable.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "scoring/result.h"

namespace riskd::config {

// The value of an environment variable, nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment (getenv).
EnvLookup ProcessEnv();

// `text` with every ${NAME} replaced by lookup(NAME). Error code
// "invalid_config", the message naming the variable or the syntax problem.
Result<std::string> ExpandEnv(std::string_view text, const EnvLookup& lookup);

// Syntax only (every variable counts as set): for --check-config, which
// may run where the pod's variables do not exist.
Status CheckEnvSyntax(std::string_view text);

}  // namespace riskd::config
