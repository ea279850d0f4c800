#include <cstdio>
#include <string_view>

#include "daemon/app/cli.h"
#include "daemon/app/version.h"
#include "daemon/store/store_cli.h"
#include "daemon/tools/commands.h"

namespace riskd::app {
namespace {

constexpr const char* kUsage =
    "usage: riskctl <command> [options]\n"
    "       riskctl --help | --version\n";

}  // namespace

int RiskctlMain(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--help") {
    std::fputs(kUsage, stdout);
    std::fputs(store::kStoreCommandsUsage, stdout);
    std::fputs(tools::kToolsUsage, stdout);
    return 0;
  }
  // Fraud-team tooling (daemon/tools): generate, replay, tune.
  if (argc >= 2 && std::string_view(argv[1]) == "generate") {
    return tools::GenerateCommand(argc - 2, argv + 2);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "replay") {
    return tools::ReplayCommand(argc - 2, argv + 2);
  }
  if (argc >= 2 && std::string_view(argv[1]) == "tune") {
    return tools::TuneCommand(argc - 2, argv + 2);
  }
  // State directory commands (daemon/store): backup, restore, audit.
  if (argc >= 2 && std::string_view(argv[1]) == "backup") return store::BackupCommand(argc - 2, argv + 2);
  if (argc >= 2 && std::string_view(argv[1]) == "restore") return store::RestoreCommand(argc - 2, argv + 2);
  if (argc >= 2 && std::string_view(argv[1]) == "audit") return store::AuditCommand(argc - 2, argv + 2);
  if (argc == 2 && std::string_view(argv[1]) == "--version") {
    std::printf("riskctl %s\n", kVersion);
    return 0;
  }
  std::fputs(kUsage, stderr);
  return 2;
}

}  // namespace riskd::app
