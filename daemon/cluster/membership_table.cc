#include "daemon/cluster/membership_table.h"

namespace riskd::cluster {

void MembershipTable::Upsert(Member member) {
  const std::string id = member.instance_id;
  members_[id] = std::move(member);
}

void MembershipTable::Remove(std::string_view instance_id) {
  if (auto it = members_.find(instance_id); it != members_.end()) members_.erase(it);
}

Owner MembershipTable::OwnerOf(int32_t partition, scoring::EpochMicros now, std::string_view exclude) const {
  const Member* best_member = nullptr;
  const Claim* best = nullptr;
  for (const auto& [id, member] : members_) {
    if (id == exclude || !IsLive(member, now)) continue;
    for (const Claim& claim : member.claims) {
      if (claim.partition != partition) continue;
      // Newest claim wins; on a tie the greater id (map order: the later one).
      if (best == nullptr || claim.since >= best->since) {
        best = &claim;
        best_member = &member;
      }
    }
  }
  Owner owner;
  if (best == nullptr) return owner;
  owner.kind = best->state == ClaimState::kServing ? Owner::Kind::kServing : Owner::Kind::kRestoring;
  owner.instance_id = best_member->instance_id;
  owner.advertised_url = best_member->advertised_url;
  return owner;
}

std::vector<Member> MembershipTable::Live(scoring::EpochMicros now) const {
  std::vector<Member> out;
  for (const auto& [id, member] : members_) {
    if (IsLive(member, now)) out.push_back(member);
  }
  return out;
}

}  // namespace riskd::cluster
