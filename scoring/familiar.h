// Familiar contexts (SPEC section 3): the device ids, networks and ASNs of
// the account's successful logins within familiar_window, except logins
// during the post-reset quarantine. Internal to scoring/.
#pragma once

#include <cstdint>
#include <string_view>

#include "scoring/config.h"
#include "scoring/event.h"
#include "scoring/summary.h"

namespace riskd::scoring {

enum class Familiarity : std::uint8_t {
  kNotJudged,   // the event carries no device/network/ASN, or the account
                // has no familiar context yet: nothing is unfamiliar
  kFamiliar,    // matches a familiar value of at least one kind
  kUnfamiliar,  // matches none
};

// How `event`'s context compares with the familiar values live at its time.
Familiarity Judge(const Summary& summary, const Event& event,
                  const ScoringConfig& config);

// Records the context of a successful login (the caller checks quarantine),
// evicting expired values and, past max_familiar_per_kind, the least
// recently seen (ties: the smaller key) so that the result depends only on
// the order of folding.
void RememberContext(Summary& summary, const Event& event,
                     const ScoringConfig& config);

// Stable 64-bit hash (FNV-1a, finalized) used for familiar values and event
// ids; persisted, so it must never change.
std::uint64_t StableHash(std::string_view bytes);

}  // namespace riskd::scoring
