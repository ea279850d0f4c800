// The state byte budget (README "State byte budget"): how large an
// AccountState's bytes can be, cheaply, without serializing it, and how
// small a state under a config can always be made. Engine::Apply trims with
// these (engine.cc); Validate checks the budget against the floor.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "scoring/account_state.h"
#include "scoring/config.h"

namespace riskd::scoring {

// Bounds of scoring.max_state_bytes. The ceiling leaves room under Kafka's
// default message.max.bytes (1,000,000) for the changelog record's key and
// headers.
inline constexpr std::int64_t kMinStateBytes = 64 * 1024;
inline constexpr std::int64_t kMaxStateBytes = 960 * 1024;

// At least AccountState::Serialize().size(), and close to it (numbers are
// counted at their longest encoding). Linear in the strings held, constant
// in the remembered event ids.
std::size_t SerializedSizeBound(const AccountState& state);

// What one pending event adds to SerializedSizeBound.
std::size_t EventSizeBound(const Event& event);

// The largest a state under `config` can be with nothing trimmable left: no
// pending events, no remembered ids, no label notes, and every rule memory,
// firing, familiar value, clearing, taint and label at its most.
std::uint64_t IrreducibleStateBytes(const ScoringConfig& config);

}  // namespace riskd::scoring
