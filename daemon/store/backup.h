// Backup and restore of a whole state directory, for `riskctl backup` and
// `riskctl restore`. A restored directory answers exactly as the original
// did at backup time (same states, same offsets, same outbox).
#pragma once

#include <string>

#include "scoring/result.h"

namespace riskd {
class Clock;
}

namespace riskd::store {

// Opens the store in `state_dir` (riskd must not be running on it: RocksDB
// holds a lock) and adds an incremental backup to `backup_dir`.
Status BackupStateDir(const std::string& state_dir, const std::string& backup_dir, const Clock& clock);

// Restores the newest backup of `backup_dir` into `state_dir`, which must
// not hold a database already (refuses rather than overwrite live state).
Status RestoreStateDir(const std::string& backup_dir, const std::string& state_dir);

}  // namespace riskd::store
