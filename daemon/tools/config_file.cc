#include "daemon/tools/config_file.h"

#include "daemon/config/config.h"

namespace riskd::tools {

Result<ConfigFile> LoadConfigFile(const std::string& path) {
  const config::LoadResult loaded = config::LoadConfig(path);
  if (!loaded.ok()) {
    std::string message = path + " has problems:";
    for (const auto& p : loaded.problems) message += "\n  " + p.path + ": " + p.message;
    return Error{"invalid_config", message};
  }
  ConfigFile file;
  file.path = path;
  file.version = loaded.config_version;
  file.scoring = std::make_shared<const scoring::ScoringConfig>(loaded.config.scoring);
  return file;
}

}  // namespace riskd::tools
