#include "daemon/store/store_cli.h"

#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "daemon/clock/clock.h"
#include "daemon/store/backup.h"
#include "daemon/store/state_store.h"

namespace riskd::store {
namespace {

// "--name value" pairs; false (with a message) on anything else.
bool ParseFlags(int argc, char** argv, const std::set<std::string>& allowed, const std::set<std::string>& required,
                std::map<std::string, std::string>* out) {
  for (int i = 0; i < argc; ++i) {
    const std::string flag = argv[i];
    if (!allowed.count(flag) || i + 1 >= argc) {
      std::fprintf(stderr, "riskctl: unexpected argument %s\n", flag.c_str());
      return false;
    }
    (*out)[flag] = argv[++i];
  }
  for (const auto& r : required) {
    if (!out->count(r)) {
      std::fprintf(stderr, "riskctl: %s is required\n", r.c_str());
      return false;
    }
  }
  return true;
}

int Fail(const Error& e) {
  std::fprintf(stderr, "riskctl: %s\n", e.message.c_str());
  return 1;
}

}  // namespace

int BackupCommand(int argc, char** argv) {
  std::map<std::string, std::string> f;
  if (!ParseFlags(argc, argv, {"--state", "--to"}, {"--state", "--to"}, &f)) return 2;
  SystemClock clock;
  if (auto s = BackupStateDir(f["--state"], f["--to"], clock); !s) return Fail(s.error());
  std::printf("backed up %s to %s\n", f["--state"].c_str(), f["--to"].c_str());
  return 0;
}

int RestoreCommand(int argc, char** argv) {
  std::map<std::string, std::string> f;
  if (!ParseFlags(argc, argv, {"--from", "--state"}, {"--from", "--state"}, &f)) return 2;
  if (auto s = RestoreStateDir(f["--from"], f["--state"]); !s) return Fail(s.error());
  std::printf("restored %s into %s\n", f["--from"].c_str(), f["--state"].c_str());
  return 0;
}

int AuditCommand(int argc, char** argv) {
  std::map<std::string, std::string> f;
  if (!ParseFlags(argc, argv, {"--state", "--account"}, {"--state"}, &f)) return 2;
  SystemClock clock;
  StoreOptions options;
  options.dir = f["--state"];
  options.clock = &clock;
  options.read_only = true;  // works while riskd runs
  auto store = StateStore::Open(options);
  if (!store) return Fail(store.error());
  auto entries = (*store)->ListAudit(f["--account"]);
  if (!entries) return Fail(entries.error());
  for (const auto& e : *entries) std::printf("%s\n", AuditToJson(e).c_str());
  return 0;
}

}  // namespace riskd::store
