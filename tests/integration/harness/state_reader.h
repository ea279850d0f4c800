// Reads a riskd state directory offline (riskd stopped or killed) through
// the store's own API, and computes what an uninterrupted riskd would hold
// for a sequence of messages (the reference for crash tests).
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "daemon/kafka/message.h"
#include "scoring/account_state.h"
#include "scoring/engine.h"

namespace riskd::it {

struct StoredState {
  std::map<std::string, scoring::AccountState> accounts;        // account -> state
  std::map<std::string, int32_t> partition_of;                  // account -> partition
  std::map<int32_t, std::map<std::string, int64_t>> offsets;    // partition -> topic -> next offset
  size_t outbox_entries = 0;
};

StoredState ReadStateDir(const std::string& dir);

// What riskd computes from `messages` (in offset order per partition):
// states and the (account, triggerEventId) of every RiskUpdate.
struct Reference {
  std::map<std::string, scoring::AccountState> accounts;
  std::set<std::pair<std::string, std::string>> updates;
};
Reference ComputeReference(const std::vector<kafka::ConsumedMessage>& messages, const scoring::Engine& engine,
                           scoring::EpochMicros now);

// The accounts of `reference` that `stored` lacks or holds in another
// state, or whose score (bit for bit) or level as of `as_of` differs.
int CountMismatches(const StoredState& stored, const Reference& reference, const scoring::Engine& engine,
                    scoring::EpochMicros as_of);

}  // namespace riskd::it
