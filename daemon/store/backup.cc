#include "daemon/store/backup.h"

#include <filesystem>

#include <rocksdb/utilities/backup_engine.h>

#include "daemon/store/state_store.h"

namespace riskd::store {

Status BackupStateDir(const std::string& state_dir, const std::string& backup_dir, const Clock& clock) {
  if (!std::filesystem::exists(std::filesystem::path(state_dir) / "CURRENT")) {
    return Error{"not_found", "no riskd state in " + state_dir};
  }
  StoreOptions options;
  options.dir = state_dir;
  options.clock = &clock;
  auto store = StateStore::Open(options);
  if (!store) return store.error();
  return (*store)->CreateBackup(backup_dir);
}

Status RestoreStateDir(const std::string& backup_dir, const std::string& state_dir) {
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(state_dir) / "CURRENT", ec)) {
    return Error{"already_exists", state_dir + " already holds a database; restore into an empty directory"};
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  auto s = rocksdb::BackupEngineReadOnly::Open(rocksdb::Env::Default(),
                                               rocksdb::BackupEngineOptions(backup_dir), &raw);
  if (!s.ok()) return Error{"io_error", "open backup dir " + backup_dir + ": " + s.ToString()};
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  if (infos.empty()) return Error{"not_found", "no backup in " + backup_dir};
  s = engine->RestoreDBFromLatestBackup(state_dir, state_dir);
  if (!s.ok()) return Error{"io_error", "restore: " + s.ToString()};
  return OkStatus();
}

}  // namespace riskd::store
