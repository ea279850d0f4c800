// Which partitions an instance follows as a standby replica
// (kafka.standby_replicas = n > 0). Pure, so every instance computes the
// same answer from the same membership view and the rule is unit tested.
//
// For each partition P with an owner O (MembershipTable::OwnerOf: the
// winning live claim, serving or restoring) the ring is the live instances
// plus `self`, sorted by instance id; P's standbys are the first n
// instances after O in ring order, O skipped (fewer when there are fewer
// other instances). `self` follows P when it is one of them. A partition
// without a live owner is followed by nobody (nothing writes its
// changelog; the instance that gets it restores it, from a standby's
// checkpoint if that is where it lands).
#pragma once

#include <cstdint>
#include <set>
#include <string_view>

#include "daemon/cluster/membership_table.h"

namespace riskd::cluster {

// `self`'s own record is excluded from the owners (the pipeline decides
// for itself and never follows a partition assigned to it).
std::set<int32_t> StandbyPartitions(const MembershipTable& table, scoring::EpochMicros now, std::string_view self,
                                    int32_t partition_count, int replicas);

}  // namespace riskd::cluster
