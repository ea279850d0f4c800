#include <cstdio>
#include <string_view>

#include "daemon/app/cli.h"
#include "daemon/app/version.h"

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
  std::fputs(kUsage, stderr);
  return 2;
}

}  // namespace riskd::app
