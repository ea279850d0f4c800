// The standby rule of daemon/cluster/standby_plan.h: partition P's standbys
// are the n live instances after P's owner in instance-id order (the owner
// skipped); every instance computes the same sets from the same view.
#include "daemon/cluster/standby_plan.h"

#include <gtest/gtest.h>

namespace riskd::cluster {
namespace {

constexpr scoring::DurationMicros kTtl = 6 * scoring::kSecond;
constexpr scoring::EpochMicros kT0 = 1'800'000'000LL * scoring::kSecond;

Member MakeMember(std::string id, std::vector<int32_t> serving, scoring::EpochMicros published_at,
                  std::vector<int32_t> restoring = {}) {
  Member m{id, "http://" + id + ":8080", 6, {}, published_at};
  for (int32_t p : serving) m.claims.push_back(Claim{p, ClaimState::kServing, kT0});
  for (int32_t p : restoring) m.claims.push_back(Claim{p, ClaimState::kRestoring, kT0});
  return m;
}

// a serves 0,1; b serves 2,3; c serves 4,5.
MembershipTable ThreeInstances() {
  MembershipTable table(kTtl);
  table.Upsert(MakeMember("a", {0, 1}, kT0));
  table.Upsert(MakeMember("b", {2, 3}, kT0));
  table.Upsert(MakeMember("c", {4, 5}, kT0));
  return table;
}

TEST(StandbyPlanTest, NoReplicasFollowNothing) {
  EXPECT_TRUE(StandbyPartitions(ThreeInstances(), kT0, "a", 6, 0).empty());
}

TEST(StandbyPlanTest, OneReplicaIsTheNextInstanceInTheRing) {
  const auto table = ThreeInstances();
  EXPECT_EQ(StandbyPartitions(table, kT0, "b", 6, 1), (std::set<int32_t>{0, 1}));  // after a
  EXPECT_EQ(StandbyPartitions(table, kT0, "c", 6, 1), (std::set<int32_t>{2, 3}));  // after b
  EXPECT_EQ(StandbyPartitions(table, kT0, "a", 6, 1), (std::set<int32_t>{4, 5}));  // after c, wrapping
}

TEST(StandbyPlanTest, ReplicasBeyondTheOtherInstancesMeanEveryoneFollowsEverything) {
  const auto table = ThreeInstances();
  EXPECT_EQ(StandbyPartitions(table, kT0, "a", 6, 2), (std::set<int32_t>{2, 3, 4, 5}));
  EXPECT_EQ(StandbyPartitions(table, kT0, "a", 6, 5), (std::set<int32_t>{2, 3, 4, 5}));
}

TEST(StandbyPlanTest, EveryPartitionWithAnOwnerHasExactlyNStandbysAndNeverItsOwner) {
  const auto table = ThreeInstances();
  for (int n = 1; n <= 2; ++n) {
    std::map<int32_t, int> standbys;
    for (const char* self : {"a", "b", "c"}) {
      for (int32_t p : StandbyPartitions(table, kT0, self, 6, n)) {
        ++standbys[p];
        EXPECT_NE(table.OwnerOf(p, kT0).instance_id, self) << "partition " << p;
      }
    }
    for (int32_t p = 0; p < 6; ++p) EXPECT_EQ(standbys[p], n) << "partition " << p << ", n = " << n;
  }
}

TEST(StandbyPlanTest, AnInstanceNotAnnouncedYetCountsItselfInTheRing) {
  MembershipTable table(kTtl);
  table.Upsert(MakeMember("a", {0, 1, 2}, kT0));
  EXPECT_EQ(StandbyPartitions(table, kT0, "b", 3, 1), (std::set<int32_t>{0, 1, 2}));
}

TEST(StandbyPlanTest, DeadInstancesDropOutOfTheRingAndOwnerlessPartitionsAreNotFollowed) {
  MembershipTable table(kTtl);
  table.Upsert(MakeMember("a", {0, 1}, kT0));
  table.Upsert(MakeMember("b", {2, 3}, kT0 + 10 * scoring::kSecond));
  table.Upsert(MakeMember("c", {4, 5}, kT0 + 10 * scoring::kSecond));
  const auto now = kT0 + 10 * scoring::kSecond;  // a's record is older than the TTL
  // b's partitions: c follows them (a is dead); a's partitions: nobody.
  EXPECT_EQ(StandbyPartitions(table, now, "c", 6, 1), (std::set<int32_t>{2, 3}));
  EXPECT_EQ(StandbyPartitions(table, now, "b", 6, 1), (std::set<int32_t>{4, 5}));
}

TEST(StandbyPlanTest, ARestoringOwnerHasStandbysToo) {
  MembershipTable table(kTtl);
  table.Upsert(MakeMember("a", {}, kT0, {0}));
  table.Upsert(MakeMember("b", {1}, kT0));
  EXPECT_EQ(StandbyPartitions(table, kT0, "b", 2, 1), (std::set<int32_t>{0}));
}

TEST(StandbyPlanTest, ItsOwnOldRecordDoesNotMakeAnInstanceAnOwner) {
  MembershipTable table(kTtl);
  table.Upsert(MakeMember("a", {0}, kT0));
  table.Upsert(MakeMember("b", {0, 1}, kT0));  // b's own record, read back
  // For b the owner of 0 is a (its own claim is the pipeline's business);
  // 1 has no other owner.
  EXPECT_EQ(StandbyPartitions(table, kT0, "b", 2, 1), (std::set<int32_t>{0}));
}

}  // namespace
}  // namespace riskd::cluster
