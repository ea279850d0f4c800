#include "daemon/cluster/standby_plan.h"

#include <algorithm>
#include <string>
#include <vector>

namespace riskd::cluster {

std::set<int32_t> StandbyPartitions(const MembershipTable& table, scoring::EpochMicros now, std::string_view self,
                                    int32_t partition_count, int replicas) {
  std::set<int32_t> out;
  if (replicas <= 0) return out;
  std::set<std::string, std::less<>> ids{std::string(self)};
  for (const Member& m : table.Live(now)) ids.insert(m.instance_id);
  const std::vector<std::string> ring(ids.begin(), ids.end());
  const int others = static_cast<int>(ring.size()) - 1;
  for (int32_t p = 0; p < partition_count; ++p) {
    const Owner owner = table.OwnerOf(p, now, self);
    if (owner.kind == Owner::Kind::kNone) continue;
    const auto at = std::find(ring.begin(), ring.end(), owner.instance_id);
    if (at == ring.end()) continue;
    const size_t start = static_cast<size_t>(at - ring.begin());
    for (int i = 1; i <= std::min(replicas, others); ++i) {
      if (ring[(start + static_cast<size_t>(i)) % ring.size()] == self) {
        out.insert(p);
        break;
      }
    }
  }
  return out;
}

}  // namespace riskd::cluster
