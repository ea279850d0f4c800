#include <cstdio>
#include <string_view>

#include "daemon/app/cli.h"
#include "daemon/app/run.h"
#include "daemon/app/version.h"
#include "daemon/config/config.h"

namespace riskd::app {
namespace {

constexpr const char* kUsage =
    "usage: riskd --config FILE        run the daemon\n"
    "       riskd --check-config FILE  validate FILE, print every problem, exit 0 or 1\n"
    "       riskd --help | --version\n"
    "\n"
    "riskd scores account events from Kafka for signs of email compromise and\n"
    "tells support tooling whether a sensitive action may proceed.\n"
    "Without kafka.properties.\"bootstrap.servers\" it starts an embedded mock\n"
    "Kafka cluster on loopback and prints its address.\n";

// --check-config: every problem as `<key>: <message>` on stderr and exit 1,
// or `config ok, configVersion <v>` on stdout and exit 0.
int CheckConfig(const char* path) {
  const config::LoadResult result = config::LoadConfig(path);
  for (const auto& problem : result.problems) {
    std::fprintf(stderr, "%s: %s\n", problem.path.c_str(), problem.message.c_str());
  }
  if (!result.ok()) return 1;
  std::printf("config ok, configVersion %s\n", result.config_version.c_str());
  return 0;
}

}  // namespace

int RiskdMain(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--help") {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::printf("riskd %s\n", kVersion);
    return 0;
  }
  if (argc == 3 && std::string_view(argv[1]) == "--check-config") return CheckConfig(argv[2]);
  if (argc == 3 && std::string_view(argv[1]) == "--config") return RunDaemon(argv[2]);
  std::fputs(kUsage, stderr);
  return 2;
}

}  // namespace riskd::app
