// Engine: the event-time machinery around Fold (README "Event-time order,
// lateness and the watermark", "Duplicates") and the public entry points.
#include "scoring/engine.h"

#include <algorithm>
#include <utility>

#include "scoring/familiar.h"
#include "scoring/fold.h"
#include "scoring/report.h"
#include "scoring/score.h"
#include "scoring/state_budget.h"

namespace riskd::scoring {
namespace {

bool EventLess(const Event& a, const Event& b) {
  return a.occurred_at != b.occurred_at ? a.occurred_at < b.occurred_at
                                        : a.id < b.id;
}

bool HashLess(const SeenId& a, const SeenId& b) { return a.hash < b.hash; }

bool IsSeen(const std::vector<SeenId>& seen, std::uint64_t hash) {
  return std::binary_search(seen.begin(), seen.end(), SeenId{hash, 0},
                            HashLess);
}

// Hard limits of the state format (account_state.cc) that a caller which
// skipped daemon/codec's validation could exceed. Over-long text is cut so
// that every state Apply produces parses again.
constexpr std::size_t kMaxStoredIdBytes = 256;
constexpr std::size_t kMaxStoredTextBytes = 4096;

bool NeedsClamp(const Event& e) {
  return e.id.size() > kMaxStoredIdBytes || e.note.size() > kMaxNoteBytes ||
         e.device_id.size() > kMaxStoredTextBytes ||
         e.network.size() > kMaxStoredTextBytes;
}

Event Clamped(Event e) {
  e.id.resize(std::min(e.id.size(), kMaxStoredIdBytes));
  e.note.resize(std::min(e.note.size(), kMaxNoteBytes));
  e.device_id.resize(std::min(e.device_id.size(), kMaxStoredTextBytes));
  e.network.resize(std::min(e.network.size(), kMaxStoredTextBytes));
  return e;
}

// Remembers `hash`, forgets ids older than the duplicate window behind the
// newest event, and past the cap the oldest (ties: smaller hash).
void Remember(std::vector<SeenId>& seen, std::uint64_t hash, EpochMicros at,
              EpochMicros newest, const ScoringConfig& c) {
  const SeenId id{hash, at};
  seen.insert(std::upper_bound(seen.begin(), seen.end(), id, HashLess), id);
  std::erase_if(seen, [&](const SeenId& s) {
    return s.at < newest - c.duplicate_window;
  });
  const auto cap = static_cast<std::size_t>(c.max_remembered_event_ids);
  while (seen.size() > cap) {
    seen.erase(std::min_element(seen.begin(), seen.end(),
                                [](const SeenId& a, const SeenId& b) {
                                  return a.at != b.at ? a.at < b.at
                                                      : a.hash < b.hash;
                                }));
  }
}

// Folds pending events into the sealed summary, oldest first, while they
// are behind the watermark or the buffer is over its cap. `view`, when
// given, is the sealed summary with every pending event folded in order:
// sealing them all makes the sealed summary exactly that, so it is copied
// (into the buffers the sealed summary already has) instead of re-folded.
void Seal(AccountState& state, const ScoringConfig& c, const Summary* view) {
  const EpochMicros watermark = state.newest_event_at - c.allowed_lateness;
  const auto cap = static_cast<std::size_t>(c.max_pending_events);
  std::size_t n = 0;
  while (n < state.pending.size() &&
         (state.pending[n].occurred_at < watermark ||
          state.pending.size() - n > cap)) {
    ++n;
  }
  if (n == 0) return;
  if (view != nullptr && n == state.pending.size()) {
    state.sealed = *view;
  } else {
    for (std::size_t i = 0; i < n; ++i) Fold(state.sealed, state.pending[i], c);
  }
  state.pending.erase(state.pending.begin(), state.pending.begin() + n);
}

// The state byte budget (README "State byte budget"): past
// max_state_bytes, trims what costs the least security first, each step
// oldest first, until the state fits:
//   1. notes of analyst labels (text for people; the label itself stays);
//   2. pending events, sealed early into the summary in event-time order,
//      as max_pending_events does (only the exactness of event-time order
//      for later late arrivals is lost; nothing the events did is);
//   3. remembered event ids (dedupe of producer retries: a forgotten id can
//      only make a replayed event count twice, never count less).
// Rule memories, firings, familiar contexts, taints, clearings and labels
// are never trimmed: dropping them could lower a score or lift a taint.
// Validate() makes sure the budget holds them (IrreducibleStateBytes).
// Deterministic: a function of the state and the config alone. Returns
// whether anything was trimmed.
bool KeepWithinBudget(AccountState& state, const ScoringConfig& c) {
  const auto budget = static_cast<std::size_t>(std::max<std::int64_t>(c.max_state_bytes, 0));
  std::size_t size = SerializedSizeBound(state);
  if (size <= budget) return false;
  auto cut_notes = [&] {
    for (LabelRecord& l : state.sealed.labels) {
      if (size <= budget) break;
      if (l.note.empty()) continue;
      l.note.clear();
      size = SerializedSizeBound(state);
    }
  };
  cut_notes();
  while (size > budget && !state.pending.empty()) {
    std::size_t n = 0;
    std::size_t freed = 0;
    while (n < state.pending.size() && freed < size - budget) freed += EventSizeBound(state.pending[n++]);
    for (std::size_t i = 0; i < n; ++i) Fold(state.sealed, state.pending[i], c);
    state.pending.erase(state.pending.begin(), state.pending.begin() + static_cast<std::ptrdiff_t>(n));
    size = SerializedSizeBound(state);  // the summary may have grown
    cut_notes();                        // sealed labels bring their notes
  }
  if (size > budget && !state.seen_ids.empty()) {
    // Each id forgotten takes 18 bytes off the bound (state_budget.cc).
    constexpr std::size_t kSeenIdBytes = 18;
    const std::size_t n = std::min(state.seen_ids.size(), (size - budget + kSeenIdBytes - 1) / kSeenIdBytes);
    std::vector<SeenId> oldest = state.seen_ids;
    std::nth_element(oldest.begin(), oldest.begin() + static_cast<std::ptrdiff_t>(n - 1), oldest.end(),
                     [](const SeenId& a, const SeenId& b) { return a.at != b.at ? a.at < b.at : a.hash < b.hash; });
    const SeenId last = oldest[n - 1];
    std::erase_if(state.seen_ids, [&](const SeenId& s) {
      return s.at < last.at || (s.at == last.at && s.hash <= last.hash);
    });
  }
  return true;
}

// The sealed summary with the pending events folded in order: what every
// answer is computed from. Returns the sealed summary itself when nothing is
// pending (no copy), else fills `scratch`.
const Summary& View(const AccountState& state, const ScoringConfig& c,
                    Summary& scratch) {
  if (state.pending.empty()) return state.sealed;
  scratch = state.sealed;
  for (const Event& e : state.pending) Fold(scratch, e, c);
  return scratch;
}

}  // namespace

Engine::Engine(std::shared_ptr<const ScoringConfig> config)
    : config_(std::move(config)) {}

Summary& Engine::Rebuild(AccountState& state) const {
  Summary& view = state.view_cache.Set(config_, state.sealed);
  for (const Event& e : state.pending) Fold(view, e, *config_);
  return view;
}

// The view kept in the state's cache (README "Event-time order"): rebuilt
// from the sealed summary and the pending events when missing or folded
// under another config, then carried forward event by event.
ApplyResult Engine::Apply(AccountState& state, const Event& original) const {
  const ScoringConfig& c = *config_;
  const EpochMicros t = original.occurred_at;
  ApplyResult out;
  // Dedupe on the full id, store a copy that fits the state format.
  const std::uint64_t hash = StableHash(original.id);
  std::optional<Event> clamped;
  if (NeedsClamp(original)) clamped = Clamped(original);
  const Event& event = clamped ? *clamped : original;
  if (IsSeen(state.seen_ids, hash)) {
    out.outcome = ApplyOutcome::kDuplicate;
    out.report = Risk(state, t);
    out.previous_level = out.level = out.report.level;
    return out;
  }
  out.late = state.known() && t < state.newest_event_at - c.allowed_lateness;
  state.newest_event_at = std::max(state.newest_event_at, t);
  Remember(state.seen_ids, hash, t, state.newest_event_at, c);
  // Sealing under the new watermark does not change the view (the sealed
  // events are folded in the same order either way).
  Summary* view = state.view_cache.Get(config_.get());
  Seal(state, c, view);
  if (view == nullptr) view = &Rebuild(state);
  out.previous_level = LevelAt(*view, t, c);

  const bool in_order = !out.late && (state.pending.empty() ||
                                      EventLess(state.pending.back(), event));
  FiringJournal journal;
  std::array<std::optional<StoredFiring>, kRuleCount> before_firings;
  if (in_order) {
    // The common case: the event goes last, so the view after it is the
    // view before it with the event folded on top, in place; the journal
    // keeps the firings it replaces.
    state.pending.push_back(event);
    Fold(*view, event, c, &journal);
  } else {
    before_firings = view->firings;
    if (out.late) {
      Fold(state.sealed, event, c);  // outside order: too late to place
    } else {
      state.pending.insert(std::upper_bound(state.pending.begin(),
                                            state.pending.end(), event, EventLess),
                           event);
    }
    view = &Rebuild(state);
  }
  Seal(state, c, view);  // only the cap can seal here; the view is unchanged
  const Summary& after = *view;

  for (int r = 0; r < kRuleCount; ++r) {
    const auto& now = after.firings[r];
    if (!now) continue;
    if (in_order ? (!journal.saved[r] || now == journal.previous[r])
                 : now == before_firings[r]) {
      continue;
    }
    const auto rule = static_cast<RuleId>(r);
    const bool shadow = c.rule(rule).shadow;
    out.new_firings.push_back(Firing{rule, now->fired_at, now->points,
                                     now->event_ids, now->detail, shadow});
    if (!shadow) out.publish_update = true;
  }
  out.report = BuildReport(after, state, t, c);
  out.level = out.report.level;
  if (out.level != out.previous_level) out.publish_update = true;
  // Trimming changes nothing the answers read except label notes, but the
  // cached view still holds them: it is folded afresh next time.
  if (KeepWithinBudget(state, c)) state.view_cache.Clear();
  return out;
}

RiskReport Engine::Risk(const AccountState& state, EpochMicros as_of) const {
  if (const Summary* cached = state.view_cache.Get(config_.get())) {
    return BuildReport(*cached, state, as_of, *config_);
  }
  Summary scratch;
  return BuildReport(View(state, *config_, scratch), state, as_of, *config_);
}

EvaluateResult Engine::Evaluate(const AccountState& state,
                                const EvaluateRequest& request,
                                EpochMicros as_of) const {
  Summary scratch;
  const Summary* cached = state.view_cache.Get(config_.get());
  const Summary& view = cached ? *cached : View(state, *config_, scratch);
  return Decide(view, BuildReport(view, state, as_of, *config_), request,
                as_of, *config_);
}

}  // namespace riskd::scoring
