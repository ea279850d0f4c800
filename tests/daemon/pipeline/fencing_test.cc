// The fencing rule restores and standbys apply to changelog records
// (daemon/pipeline/fencing.h), and the epoch header's parsing.
#include "daemon/pipeline/fencing.h"

#include <gtest/gtest.h>

#include "daemon/store/changelog.h"

namespace riskd::pipeline {
namespace {

namespace cl = store::changelog;

TEST(FencingTest, RecordOfTheNewestEpochIsApplied) {
  auto d = Fence(/*newest=*/40, /*claim=*/false, /*epoch=*/40, /*offset=*/57);
  EXPECT_EQ(d.verdict, FenceVerdict::kApply);
  EXPECT_EQ(d.newest, 40);
}

TEST(FencingTest, RecordOfANewerEpochIsAppliedAndBecomesTheNewest) {
  auto d = Fence(40, false, 90, 95);
  EXPECT_EQ(d.verdict, FenceVerdict::kApply);
  EXPECT_EQ(d.newest, 90);
}

TEST(FencingTest, ZombieRecordOfAnOlderEpochIsDropped) {
  // Owner A claimed at 40; B claimed at 90; A's record queued before the
  // cut lands at 120: dropped, and the newest stays B's.
  auto d = Fence(90, false, 40, 120);
  EXPECT_EQ(d.verdict, FenceVerdict::kOlderEpoch);
  EXPECT_EQ(d.newest, 90);
  EXPECT_EQ(FenceReasonName(d.verdict), "older_epoch");
}

TEST(FencingTest, RecordWithoutEpochCountsAsEpochZero) {
  // Written before fencing existed: still restored on an upgrade…
  EXPECT_EQ(Fence(0, false, 0, 7).verdict, FenceVerdict::kApply);
  // …but not once a fencing owner has claimed the partition.
  EXPECT_EQ(Fence(12, false, 0, 30).verdict, FenceVerdict::kOlderEpoch);
}

TEST(FencingTest, ValidClaimSitsAtItsOwnOffset) {
  auto d = Fence(40, true, 90, 90);
  EXPECT_EQ(d.verdict, FenceVerdict::kApply);
  EXPECT_EQ(d.newest, 90);
  // The very first claim of an empty changelog: epoch 0 at offset 0.
  EXPECT_EQ(Fence(0, true, 0, 0).verdict, FenceVerdict::kApply);
}

TEST(FencingTest, ClaimThatLandedLateIsDropped) {
  // Something landed between the claimant's state and its claim: the claim
  // is not where it says; its owner never writes under it.
  auto d = Fence(40, true, 90, 93);
  EXPECT_EQ(d.verdict, FenceVerdict::kInvalidClaim);
  EXPECT_EQ(d.newest, 40);
  EXPECT_EQ(FenceReasonName(d.verdict), "invalid_claim");
}

TEST(FencingTest, ReplayedOldClaimIsDropped) {
  // A genuine old claim written again lands far from its epoch.
  EXPECT_EQ(Fence(90, true, 40, 200).verdict, FenceVerdict::kInvalidClaim);
}

TEST(FencingTest, SequenceKeepsTheNewOwnersStateOverTheZombies) {
  // offset: record
  //   0 claim A (epoch 0)   1 X by A   2 claim B (epoch 2)   3 X by B (taint)
  //   4 X by A, landed late (epoch 0)   5 A's claim written again (epoch 0)
  struct Rec { bool claim; int64_t epoch; int64_t offset; const char* x; };
  const Rec log[] = {{true, 0, 0, nullptr}, {false, 0, 1, "A1"}, {true, 2, 2, nullptr},
                     {false, 2, 3, "B-taint"}, {false, 0, 4, "A-late"}, {true, 0, 5, nullptr}};
  int64_t newest = 0;
  std::string x;
  int dropped = 0;
  for (const auto& r : log) {
    auto d = Fence(newest, r.claim, r.epoch, r.offset);
    newest = d.newest;
    if (d.verdict != FenceVerdict::kApply) {
      ++dropped;
      continue;
    }
    if (r.x) x = r.x;
  }
  EXPECT_EQ(x, "B-taint");
  EXPECT_EQ(newest, 2);
  EXPECT_EQ(dropped, 2);
}

TEST(ChangelogEpochTest, ParseEpochAcceptsOnlyOneDecimalInt64) {
  EXPECT_EQ(cl::ParseEpoch("0"), 0);
  EXPECT_EQ(cl::ParseEpoch("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(cl::ParseEpoch(""));
  EXPECT_FALSE(cl::ParseEpoch("-1"));
  EXPECT_FALSE(cl::ParseEpoch("12a"));
  EXPECT_FALSE(cl::ParseEpoch(" 12"));
  EXPECT_FALSE(cl::ParseEpoch("99999999999999999999"));
}

TEST(ChangelogEpochTest, SetEpochReplacesTheHeader) {
  std::vector<store::Header> headers{{"riskd-writer", "w"}, {"riskd-epoch", "3"}};
  cl::SetEpoch(headers, 17);
  int n = 0;
  for (const auto& [name, value] : headers) {
    if (name == "riskd-epoch") {
      ++n;
      EXPECT_EQ(value, "17");
    }
  }
  EXPECT_EQ(n, 1);
}

TEST(ChangelogEpochTest, ClassifyReadsTheEpoch) {
  store::AccountRecord record{5, "state"};
  auto e = cl::AccountEntry("cl", 0, "w", "acct", record);
  auto r = cl::Classify(e.key, false, e.value, e.headers);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->epoch, 0);  // no header: before fencing
  cl::SetEpoch(e.headers, 42);
  r = cl::Classify(e.key, false, e.value, e.headers);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->epoch, 42);
  e.headers.emplace_back("riskd-epoch", "43");  // two: whose?
  EXPECT_FALSE(cl::Classify(e.key, false, e.value, e.headers));
  e.headers.pop_back();
  e.headers.back().second = "x";
  EXPECT_FALSE(cl::Classify(e.key, false, e.value, e.headers));
}

TEST(ChangelogEpochTest, ClaimRoundTrips) {
  auto e = cl::ClaimEntry("cl", 3, "w", 1234);
  auto r = cl::Classify(e.key, false, e.value, e.headers);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, cl::Record::Kind::kClaim);
  EXPECT_EQ(r->epoch, 1234);
  // Value and header must agree.
  EXPECT_FALSE(cl::Classify(e.key, false, "1235", e.headers));
}

}  // namespace
}  // namespace riskd::pipeline
