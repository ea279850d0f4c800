// AccountEvents for end-to-end tests: the SPEC section 1 incident, benign
// traffic, and a deterministic random stream for the soak-style tests.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "riskd/v1/account_event.pb.h"
#include "scoring/time.h"

namespace riskd::it {


v1::AccountEvent SuccessfulLogin(const std::string& id, const std::string& account, scoring::EpochMicros at,
                                 const std::string& device, const std::string& ip, uint32_t asn);
v1::AccountEvent EmailReset(const std::string& id, const std::string& account, scoring::EpochMicros at);
v1::AccountEvent SendCredentialsRequest(const std::string& id, const std::string& account, scoring::EpochMicros at);
v1::AccountEvent MfaRemoved(const std::string& id, const std::string& account, scoring::EpochMicros at);

// The incident: a familiar login, an email reset, a login from a new
// device and network, and a live-chat request to send credentials to the
// email on file. Its last event must raise the account to CRITICAL-ish.
std::vector<v1::AccountEvent> Incident(const std::string& account, scoring::EpochMicros start);

// `count` events over `accounts` accounts ("acct-<n>"), event times moving
// forward from `start` with small out-of-order jitter, some repeated ids
// (producer retries). Same seed, same stream.
std::vector<v1::AccountEvent> RandomStream(uint64_t seed, int count, int accounts, scoring::EpochMicros start);

// One account id of RandomStream's ("acct-N", N < accounts) per partition
// of a `partitions`-partition topic, as producers place them
// (consistent_random: CRC32 of the key); fewer when some partition gets none.
std::vector<std::string> OneAccountPerPartition(int accounts, int partitions);

std::string JsonValue(const v1::AccountEvent& event);
std::string ProtoValue(const v1::AccountEvent& event);

}  // namespace riskd::it
