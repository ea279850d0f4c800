// `riskd --config FILE`: start the Daemon, wait for signals (SIGHUP reloads
// the config; SIGTERM/SIGINT stop it), stop it, return the exit code.
#pragma once

#include <string>

namespace riskd::app {

int RunDaemon(const std::string& config_path);

}  // namespace riskd::app
