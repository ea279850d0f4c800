// What the HTTP API needs from the rest of the daemon. The API layer
// (daemon/http) codes against this interface only; daemon/app implements it
// over the state store and the pipeline, and the API's unit tests implement
// it in memory.
//
// Thread-safety: every method may be called from any HTTP worker thread at
// any time, concurrently with the pipeline.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/account_state.h"
#include "scoring/engine.h"
#include "scoring/result.h"
#include "scoring/time.h"
#include "scoring/types.h"

namespace riskd::config {
struct Config;
}

namespace riskd::http {

// The config in force: swapped atomically on reload; requests in flight keep
// the snapshot they started with.
struct RunningConfig {
  std::shared_ptr<const config::Config> config;
  std::shared_ptr<const scoring::Engine> engine;
  std::string version;  // configVersion (of `config`)
  // Keys the file changed that apply only after a restart (table order),
  // and the config file as last loaded, for their pending values. `config`
  // holds what runs: the file's live keys, the started values of the rest.
  std::vector<std::string> restart_required;
  std::shared_ptr<const config::Config> file;
  // scoring.shadow_config's candidate (null: no shadow) and its configVersion.
  std::shared_ptr<const scoring::Engine> shadow_engine;
  std::string shadow_version;
};

struct Readiness {
  bool ready = false;
  std::string reason;  // why not (or "ok"); shown in /readyz's JSON body
};

struct ReloadOutcome {
  bool ok = false;
  std::string version;                // the version in force afterwards
  std::vector<std::string> problems;  // "<key>: <message>", every one, when !ok
  // When ok: keys the file changed that apply only after a restart.
  std::vector<std::string> restart_required;
};

// One audited API action (evaluate, feedback, config reload).
struct AuditRecord {
  scoring::EpochMicros at = 0;
  std::string who;         // token name, never the token
  std::string what;        // "evaluate", "feedback", "config_reload"
  std::string account_id;  // empty for config reloads
  std::string outcome;     // e.g. "STEP_UP", "COMPROMISED", "ok", "refused"
  std::string config_version;
  std::string detail_json;  // small JSON object with request specifics
};

class ApiBackend {
 public:
  virtual ~ApiBackend() = default;

  // The daemon's one clock (tests inject a fixed one).
  virtual scoring::EpochMicros Now() = 0;

  virtual std::shared_ptr<const RunningConfig> CurrentConfig() = 0;

  // The account's last committed state (one consistent version), nullopt if
  // never seen. Error code "unavailable" when this instance cannot answer for
  // the account right now (partition not owned, not restored) -> 503.
  virtual Result<std::optional<scoring::AccountState>> ReadAccount(std::string_view account_id) = 0;

  // The account's state under the shadow config of `shadow_version`;
  // nullopt when there is none of that version yet (a shadow starts from the
  // live state). Default: never any (backends without a shadow store).
  virtual Result<std::optional<scoring::AccountState>> ReadShadowAccount(std::string_view account_id,
                                                                         std::string_view shadow_version) {
    (void)account_id;
    (void)shadow_version;
    return std::optional<scoring::AccountState>();
  }

  // Applies an analyst label at `Now()` through the same serialized path as
  // the account's events, durably, and returns the label's time. A read
  // after this returns sees it.
  virtual Result<scoring::EpochMicros> ApplyLabel(std::string_view account_id, scoring::Label label,
                                                  std::string_view note, std::string_view analyst) = 0;

  // Durable audit trail (RocksDB) plus a structured log line.
  virtual Status Audit(const AuditRecord& record) = 0;

  // Re-reads the config file; on success swaps it in.
  virtual ReloadOutcome ReloadConfig() = 0;

  virtual Readiness Ready() = 0;

  // Prometheus text exposition for /metrics.
  virtual std::string ScrapeMetrics() = 0;
};

}  // namespace riskd::http
