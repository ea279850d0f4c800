// One account's scoring state: a sealed summary, a sorted pending buffer of
// the newest events, and a bounded set of recently seen event ids. Bytes in,
// bytes out, with a version byte for future migrations. Engine::Apply is the
// only writer; see scoring/README.md for the design.
//
// Size bound (defaults): 256 pending events (each at most ~1.5 KB with its
// ids and note), 4096 remembered ids (16 bytes each), 3 x 32 familiar values,
// 1000 burst marks per burst rule at most (the configured counts, 10 by
// default), 10 firings, 8 clearings, 64 labels; and in bytes at most
// ScoringConfig::max_state_bytes (Engine::Apply trims, state_budget.h). A
// hostile stream of any length cannot grow it beyond that.
//
// Not internally synchronized; copyable.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/event.h"
#include "scoring/result.h"
#include "scoring/summary.h"
#include "scoring/time.h"

namespace riskd::scoring {

struct ScoringConfig;

// A 64-bit hash of an event id and the event's time, for dedupe.
struct SeenId {
  std::uint64_t hash = 0;
  EpochMicros at = 0;
  bool operator==(const SeenId&) const = default;
};

// A cache beside the state, not part of it: the sealed summary with the
// pending events folded in order, as an engine last computed it (what every
// answer reads), tagged with the config it was folded under. Never
// serialized or compared. A copy of a state starts without one (a copy may
// be handed to an engine with another config: a shadow seeded from the live
// state); a move keeps it. Engine::Apply keeps it current, so a state that
// lives across many events (riskctl replay, a poll batch) does not copy its
// summary per event; Risk/Evaluate only read it.
class ViewCache {
 public:
  ViewCache() = default;
  ViewCache(const ViewCache&) {}
  ViewCache& operator=(const ViewCache&) {
    Clear();
    return *this;
  }
  ViewCache(ViewCache&&) noexcept = default;
  ViewCache& operator=(ViewCache&&) noexcept = default;

  // The cached view if it was folded under `config`, else nullptr.
  Summary* Get(const ScoringConfig* config) const {
    return config_ && config_.get() == config ? view_.get() : nullptr;
  }
  // Caches a copy of `view`, folded under `config` (held, so that its
  // address cannot be reused by another config while cached).
  Summary& Set(std::shared_ptr<const ScoringConfig> config, const Summary& view) {
    if (!view_) view_ = std::make_unique<Summary>();
    *view_ = view;  // reuses the buffers of the previous view
    config_ = std::move(config);
    return *view_;
  }
  void Clear() { config_.reset(); }

 private:
  std::unique_ptr<Summary> view_;
  std::shared_ptr<const ScoringConfig> config_;  // null: no view
};

struct AccountState {
  // The serialized format's version. Parse accepts exactly this one today;
  // a future version adds a migration from the older ones.
  static constexpr std::uint8_t kFormatVersion = 1;

  // Event time of the newest event or label applied; kNever if none.
  EpochMicros newest_event_at = kNever;
  // Folded in event-time order up to the watermark.
  Summary sealed;
  // Not yet sealed, sorted by (occurred_at, id).
  std::vector<Event> pending;
  // Sorted by hash; entries older than duplicate_window behind the newest
  // event are pruned.
  std::vector<SeenId> seen_ids;
  // Not state: see ViewCache. Engine-owned.
  ViewCache view_cache;

  bool known() const { return newest_event_at != kNever; }

  std::string Serialize() const;
  // Never crashes on garbage: any malformed, truncated, oversized or
  // trailing-byte input is an Error with code "malformed_state", and an
  // unknown version is "unsupported_state_version".
  static Result<AccountState> Parse(std::string_view bytes);

  bool operator==(const AccountState&) const;
};

}  // namespace riskd::scoring
