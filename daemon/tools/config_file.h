// The config a replay or tune runs: the scoring.* and policy.* part of a
// daemon config file, read by the daemon's own loader (daemon/config), so a
// file that riskd accepts means the same here and one it refuses is refused
// with the same problems.
#pragma once

#include <memory>
#include <string>

#include "scoring/config.h"
#include "scoring/result.h"

namespace riskd::tools {

struct ConfigFile {
  std::string path;
  std::string version;  // the daemon's configVersion of the whole file
  std::shared_ptr<const scoring::ScoringConfig> scoring;
};

// Error code "invalid_config"; the message lists every problem, one per
// line, as `<key>: <problem>`.
Result<ConfigFile> LoadConfigFile(const std::string& path);

}  // namespace riskd::tools
