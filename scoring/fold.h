// Folding: apply one event to a summary, in event-time order. This is the
// only code that changes a Summary. Internal to scoring/.
#pragma once

#include <array>
#include <optional>

#include "scoring/config.h"
#include "scoring/event.h"
#include "scoring/summary.h"

namespace riskd::scoring {

// Runs the enabled rules on `event` (recording each firing as the rule's
// most recent one unless a later firing is already recorded), then applies
// the event's effects: familiar contexts, resets and quarantine, taints and
// forbidden destinations, clearing, labels.
//
// `journal`, when given, receives the previous content of every firing slot
// the fold overwrites (the first time per journal), so that a caller can
// tell which firings changed without copying them all beforehand.
struct FiringJournal {
  std::array<bool, kRuleCount> saved{};
  std::array<std::optional<StoredFiring>, kRuleCount> previous;
};
void Fold(Summary& summary, const Event& event, const ScoringConfig& config,
          FiringJournal* journal = nullptr);

// The effects half of Fold (scoring/effects.cc), after the rules ran.
// `unfamiliar` is the event's familiarity judged before any effect.
void ApplyEffects(Summary& summary, const Event& event, bool unfamiliar,
                  const ScoringConfig& config);

}  // namespace riskd::scoring
