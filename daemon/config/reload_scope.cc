#include "daemon/config/reload_scope.h"

#include "daemon/config/keys.h"

namespace riskd::config {
namespace {

// The keys a reload applies at once, by path prefix. Everything else needs a
// restart. Keep in step with who reads what:
//   scoring.*, policy.*  the engine is rebuilt and swapped (daemon/app), so
//                        the next batch and the next request use it; this
//                        includes scoring.shadow_config, re-read on reload.
//   auth.tokens          every request authenticates against the running
//                        config (daemon/http/api.cc).
//   log.level            set again by the reload.
constexpr std::string_view kLiveKeys[] = {
    "scoring.",
    "policy.",
    "auth.tokens",
    "log.level",
};

// Copies the value `from` points at into `to` (same key of two configs).
void Assign(const Key& to, const Key& from) {
  switch (to.kind) {
    case KeyKind::kBool: *static_cast<bool*>(to.target) = *static_cast<bool*>(from.target); return;
    case KeyKind::kInt:
    case KeyKind::kBytes:
    case KeyKind::kDuration:
      *static_cast<std::int64_t*>(to.target) = *static_cast<std::int64_t*>(from.target);
      return;
    case KeyKind::kDouble: *static_cast<double*>(to.target) = *static_cast<double*>(from.target); return;
    case KeyKind::kString:
    case KeyKind::kChoice:
    case KeyKind::kListen:
      *static_cast<std::string*>(to.target) = *static_cast<std::string*>(from.target);
      return;
    case KeyKind::kStringList:
      *static_cast<std::vector<std::string>*>(to.target) = *static_cast<std::vector<std::string>*>(from.target);
      return;
    case KeyKind::kStringMap:
      *static_cast<std::map<std::string, std::string>*>(to.target) =
          *static_cast<std::map<std::string, std::string>*>(from.target);
      return;
    case KeyKind::kTokens: *static_cast<TokenTable*>(to.target) = *static_cast<TokenTable*>(from.target); return;
    case KeyKind::kLevel:
      *static_cast<scoring::Level*>(to.target) = *static_cast<scoring::Level*>(from.target);
      return;
    case KeyKind::kDecision:
      *static_cast<scoring::Decision*>(to.target) = *static_cast<scoring::Decision*>(from.target);
      return;
    case KeyKind::kFactorList:
      *static_cast<std::vector<scoring::Factor>*>(to.target) =
          *static_cast<std::vector<scoring::Factor>*>(from.target);
      return;
  }
}

}  // namespace

bool AppliesOnReload(std::string_view path) {
  for (std::string_view live : kLiveKeys) {
    if (path.substr(0, live.size()) == live) return true;
  }
  return false;
}

ReloadPlan PlanReload(const Config& started, const Config& loaded) {
  ReloadPlan plan{started, {}};
  Config file = loaded;  // ListKeys hands out mutable pointers
  std::vector<Key> to = ListKeys(plan.running);
  std::vector<Key> from = ListKeys(file);
  // Same table, same order: the key lists pair up one to one.
  for (size_t i = 0; i < to.size() && i < from.size(); ++i) {
    if (AppliesOnReload(to[i].path)) {
      Assign(to[i], from[i]);
    } else if (KeyValueJson(to[i], false) != KeyValueJson(from[i], false)) {
      plan.restart_required.push_back(to[i].path);
    }
  }
  return plan;
}

std::string DumpKeysJson(const Config& config, const std::vector<std::string>& paths, bool redact_secrets) {
  Config copy = config;
  std::string out = "{";
  for (const Key& key : ListKeys(copy)) {
    bool wanted = false;
    for (const auto& p : paths) wanted = wanted || p == key.path;
    if (!wanted) continue;
    if (out.size() > 1) out += ',';
    out += QuoteJson(key.path) + ':' + KeyValueJson(key, redact_secrets);
  }
  return out + "}";
}

}  // namespace riskd::config
