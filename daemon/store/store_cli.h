// riskctl's state-directory commands (the argument parsing and output; the
// work is in backup.h and state_store.h):
//   riskctl backup  --state DIR --to DIR
//   riskctl restore --from DIR --state DIR
//   riskctl audit   --state DIR [--account A]
// Each returns the process exit code: 0 ok, 1 failed, 2 bad usage.
#pragma once

namespace riskd::store {

inline constexpr const char* kStoreCommandsUsage =
    "       riskctl backup --state DIR --to DIR      incremental backup of riskd's state (riskd stopped)\n"
    "       riskctl restore --from DIR --state DIR   restore the newest backup into an empty DIR\n"
    "       riskctl audit --state DIR [--account A]  list the API audit trail as JSON lines\n";

// argv[0] is the first argument after the command name.
int BackupCommand(int argc, char** argv);
int RestoreCommand(int argc, char** argv);
int AuditCommand(int argc, char** argv);

}  // namespace riskd::store
