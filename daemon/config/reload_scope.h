// What a config reload (POST /v1/config:reload, SIGHUP) applies at once and
// what waits for a restart. One table (reload_scope.cc) names the keys that
// apply live; every other key is read once at startup (listeners, Kafka
// clients, RocksDB, cluster membership), so a reload that changes it must
// say so rather than pretend.
//
// Pure functions of two configs; no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "daemon/config/config.h"

namespace riskd::config {

// Whether a change of `path` (a key of the table, e.g. "scoring.half_life",
// "http.max_connections") takes effect on reload.
bool AppliesOnReload(std::string_view path);

struct ReloadPlan {
  // What runs after the reload: `loaded`'s live keys, `started`'s others.
  // GET /v1/config shows it and its ConfigVersion is the configVersion.
  Config running;
  // Keys whose value in the file differs from what runs and that apply only
  // after a restart, in table order.
  std::vector<std::string> restart_required;
};

// `started`: the config the process started with (restart-only keys still
// run with its values); `loaded`: the file as just read.
ReloadPlan PlanReload(const Config& started, const Config& loaded);

// {"<key>": <value>, ...} for `paths` (keys of the table) as JSON, values
// as DumpEffective prints them; secrets "<redacted>" when `redact_secrets`.
std::string DumpKeysJson(const Config& config, const std::vector<std::string>& paths, bool redact_secrets);

}  // namespace riskd::config
