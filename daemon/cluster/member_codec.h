// Member <-> the membership record's value (proto3 JSON of
// riskd.cluster.v1.MemberRecord).
#pragma once

#include <string>
#include <string_view>

#include "daemon/cluster/membership_table.h"
#include "scoring/result.h"

namespace riskd::cluster {

std::string EncodeMember(const Member& member);
// Error "malformed" for a value that is not a MemberRecord, or whose
// instance id is not `key`.
Result<Member> DecodeMember(std::string_view key, std::string_view value);

}  // namespace riskd::cluster
