// The ownership rule of daemon/cluster/membership_table.h: the newest claim
// of a partition among live records wins; records older than the TTL do not
// count; a RESTORING winner means nobody answers; a tombstone removes.
#include "daemon/cluster/membership_table.h"

#include <gtest/gtest.h>

namespace riskd::cluster {
namespace {

constexpr scoring::DurationMicros kTtl = 6 * scoring::kSecond;
constexpr scoring::EpochMicros kT0 = 1'800'000'000LL * scoring::kSecond;

Member MakeMember(std::string id, std::vector<Claim> claims, scoring::EpochMicros published_at) {
  return Member{id, "http://" + id + ":8080", 12, std::move(claims), published_at};
}

Claim Serving(int32_t p, scoring::EpochMicros since) { return Claim{p, ClaimState::kServing, since}; }
Claim Restoring(int32_t p, scoring::EpochMicros since) { return Claim{p, ClaimState::kRestoring, since}; }

TEST(MembershipTableTest, NobodyClaimsMeansNoOwner) {
  MembershipTable table(kTtl);
  table.Upsert(MakeMember("a", {Serving(1, kT0)}, kT0));
  EXPECT_EQ(table.OwnerOf(2, kT0).kind, Owner::Kind::kNone);
}

TEST(MembershipTableTest, TheServingInstanceOwnsItsPartition) {
  MembershipTable table(kTtl);
  table.Upsert(MakeMember("a", {Serving(1, kT0), Serving(3, kT0)}, kT0));
  table.Upsert(MakeMember("b", {Serving(2, kT0)}, kT0));
  const Owner owner = table.OwnerOf(3, kT0 + scoring::kSecond);
  EXPECT_EQ(owner.kind, Owner::Kind::kServing);
  EXPECT_EQ(owner.instance_id, "a");
  EXPECT_EQ(owner.advertised_url, "http://a:8080");
  EXPECT_EQ(table.OwnerOf(2, kT0).instance_id, "b");
}

TEST(MembershipTableTest, NewestClaimWinsWhileTheOldOwnerStillHeartbeats) {
  MembershipTable table(kTtl);
  // a has claimed 5 since T0 and keeps heartbeating; b claims it from T0+10s.
  table.Upsert(MakeMember("a", {Serving(5, kT0)}, kT0 + 11 * scoring::kSecond));
  table.Upsert(MakeMember("b", {Serving(5, kT0 + 10 * scoring::kSecond)}, kT0 + 10 * scoring::kSecond));
  EXPECT_EQ(table.OwnerOf(5, kT0 + 11 * scoring::kSecond).instance_id, "b");
}

TEST(MembershipTableTest, ANewerRestoringClaimMeansNobodyAnswers) {
  MembershipTable table(kTtl);
  // a died at T0+1s still claiming 5; b restores 5 since T0+3s.
  table.Upsert(MakeMember("a", {Serving(5, kT0)}, kT0 + scoring::kSecond));
  table.Upsert(MakeMember("b", {Restoring(5, kT0 + 3 * scoring::kSecond)}, kT0 + 3 * scoring::kSecond));
  const Owner owner = table.OwnerOf(5, kT0 + 4 * scoring::kSecond);
  EXPECT_EQ(owner.kind, Owner::Kind::kRestoring);
  EXPECT_EQ(owner.instance_id, "b");
}

TEST(MembershipTableTest, RecordsOlderThanTheTtlAreIgnored) {
  MembershipTable table(kTtl);
  table.Upsert(MakeMember("a", {Serving(5, kT0)}, kT0));
  EXPECT_EQ(table.OwnerOf(5, kT0 + kTtl).instance_id, "a");  // exactly the TTL: still live
  EXPECT_EQ(table.OwnerOf(5, kT0 + kTtl + 1).kind, Owner::Kind::kNone);
  EXPECT_TRUE(table.Live(kT0 + kTtl + 1).empty());
  // An expired newer claim does not hide a live older one.
  table.Upsert(MakeMember("b", {Serving(5, kT0 - scoring::kSecond)}, kT0 + 20 * scoring::kSecond));
  EXPECT_EQ(table.OwnerOf(5, kT0 + 21 * scoring::kSecond).instance_id, "b");
}

TEST(MembershipTableTest, TheNewestRecordOfAnInstanceReplacesItsPrevious) {
  MembershipTable table(kTtl);
  table.Upsert(MakeMember("a", {Serving(5, kT0)}, kT0));
  table.Upsert(MakeMember("a", {Serving(6, kT0 + scoring::kSecond)}, kT0 + scoring::kSecond));
  EXPECT_EQ(table.OwnerOf(5, kT0 + scoring::kSecond).kind, Owner::Kind::kNone);
  EXPECT_EQ(table.OwnerOf(6, kT0 + scoring::kSecond).instance_id, "a");
  EXPECT_EQ(table.size(), 1u);
}

TEST(MembershipTableTest, ATombstoneRemovesTheInstance) {
  MembershipTable table(kTtl);
  table.Upsert(MakeMember("a", {Serving(5, kT0)}, kT0));
  table.Remove("a");
  EXPECT_EQ(table.OwnerOf(5, kT0).kind, Owner::Kind::kNone);
  table.Remove("never-seen");  // harmless
}

TEST(MembershipTableTest, ExcludedInstanceIsNotAnOwner) {
  MembershipTable table(kTtl);
  table.Upsert(MakeMember("self", {Serving(5, kT0 + scoring::kSecond)}, kT0 + scoring::kSecond));
  table.Upsert(MakeMember("b", {Serving(5, kT0)}, kT0 + scoring::kSecond));
  EXPECT_EQ(table.OwnerOf(5, kT0 + scoring::kSecond).instance_id, "self");
  EXPECT_EQ(table.OwnerOf(5, kT0 + scoring::kSecond, "self").instance_id, "b");
}

TEST(MembershipTableTest, TiedClaimsAreDecidedAlikeEverywhere) {
  // Whatever order the records arrive in, the same instance wins a tie.
  MembershipTable one(kTtl), two(kTtl);
  const Member a = MakeMember("a", {Serving(5, kT0)}, kT0);
  const Member b = MakeMember("b", {Serving(5, kT0)}, kT0);
  one.Upsert(a);
  one.Upsert(b);
  two.Upsert(b);
  two.Upsert(a);
  EXPECT_EQ(one.OwnerOf(5, kT0).instance_id, two.OwnerOf(5, kT0).instance_id);
  EXPECT_EQ(one.OwnerOf(5, kT0).instance_id, "b");
}

}  // namespace
}  // namespace riskd::cluster
