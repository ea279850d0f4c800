// Who serves which partition, as announced on the membership topic: the
// newest record per instance, and the ownership rule over them. Pure (no
// Kafka, no clock of its own: `now` is passed in) so that the rule is unit
// tested on its own.
//
// The rule (README.md, "Ownership"):
//  * a record whose published_at is more than `ttl` before `now` is ignored:
//    its instance is taken for dead;
//  * among the live records that claim partition P (serving or
//    restoring), the claim with the newest `since` wins (ties: the greater
//    instance id, so every instance decides alike); the owner is its
//    instance if the claim is SERVING; if it is RESTORING, nobody answers P
//    until the restore ends.
//
// Not thread-safe; Membership (membership.h) guards it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/time.h"

namespace riskd::cluster {

enum class ClaimState { kServing, kRestoring };

struct Claim {
  int32_t partition = 0;
  ClaimState state = ClaimState::kServing;
  scoring::EpochMicros since = 0;
  bool operator==(const Claim&) const = default;
};

struct Member {
  std::string instance_id;
  std::string advertised_url;
  int32_t partition_count = 0;
  std::vector<Claim> claims;
  scoring::EpochMicros published_at = 0;
  bool operator==(const Member&) const = default;
};

struct Owner {
  enum class Kind {
    kNone,       // no live instance claims the partition
    kServing,    // `member` serves it
    kRestoring,  // `member` is restoring it: nobody answers it now
  };
  Kind kind = Kind::kNone;
  std::string instance_id;
  std::string advertised_url;
};

class MembershipTable {
 public:
  explicit MembershipTable(scoring::DurationMicros ttl) : ttl_(ttl) {}

  // The instance's newest record (records of one instance arrive in the
  // order it published them, so the last one read replaces the previous).
  void Upsert(Member member);
  // A tombstone: the instance left cleanly.
  void Remove(std::string_view instance_id);

  // The owner of `partition` at `now`, ignoring `exclude` (this instance:
  // its own view of itself is the pipeline's, not its last record).
  Owner OwnerOf(int32_t partition, scoring::EpochMicros now, std::string_view exclude = {}) const;

  // Records not older than the TTL at `now`.
  std::vector<Member> Live(scoring::EpochMicros now) const;
  size_t size() const { return members_.size(); }

 private:
  bool IsLive(const Member& m, scoring::EpochMicros now) const { return now - m.published_at <= ttl_; }

  scoring::DurationMicros ttl_;
  std::map<std::string, Member, std::less<>> members_;
};

}  // namespace riskd::cluster
