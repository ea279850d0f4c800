// Decide(): here, forwarded, or 503 — and a forwarded request never travels
// a second time.
#include "daemon/cluster/placement.h"

#include <gtest/gtest.h>

namespace riskd::cluster {
namespace {

Owner Serving(std::string id) { return Owner{Owner::Kind::kServing, id, "http://" + id + ":8080"}; }
Owner Restoring(std::string id) { return Owner{Owner::Kind::kRestoring, id, "http://" + id + ":8080"}; }

TEST(PlacementTest, ServedHereIsAnsweredHereWhateverTheTableSays) {
  EXPECT_EQ(Decide(3, LocalState::kServing, false, Serving("b"), "a").kind, Decision::Kind::kLocal);
  EXPECT_EQ(Decide(3, LocalState::kServing, true, Owner{}, "a").kind, Decision::Kind::kLocal);
}

TEST(PlacementTest, ServedElsewhereIsForwardedToTheOwnersUrl) {
  const Decision d = Decide(3, LocalState::kNone, false, Serving("b"), "a");
  EXPECT_EQ(d.kind, Decision::Kind::kForward);
  EXPECT_EQ(d.instance_id, "b");
  EXPECT_EQ(d.advertised_url, "http://b:8080");
}

TEST(PlacementTest, AForwardedRequestIsNeverForwardedAgain) {
  const Decision d = Decide(3, LocalState::kNone, true, Serving("b"), "a");
  EXPECT_EQ(d.kind, Decision::Kind::kUnavailable);
  EXPECT_NE(d.reason.find("not forwarded again"), std::string::npos) << d.reason;
}

TEST(PlacementTest, RestoringHereIs503EvenIfAnOlderOwnerIsListed) {
  const Decision d = Decide(3, LocalState::kRestoring, false, Serving("b"), "a");
  EXPECT_EQ(d.kind, Decision::Kind::kUnavailable);
  EXPECT_NE(d.reason.find("restored on this instance"), std::string::npos) << d.reason;
}

TEST(PlacementTest, RestoringElsewhereIs503) {
  const Decision d = Decide(3, LocalState::kNone, false, Restoring("c"), "a");
  EXPECT_EQ(d.kind, Decision::Kind::kUnavailable);
  EXPECT_NE(d.reason.find("restored on instance c"), std::string::npos) << d.reason;
}

TEST(PlacementTest, NoOwnerIs503) {
  const Decision d = Decide(7, LocalState::kNone, false, Owner{}, "a");
  EXPECT_EQ(d.kind, Decision::Kind::kUnavailable);
  EXPECT_NE(d.reason.find("partition 7"), std::string::npos) << d.reason;
}

}  // namespace
}  // namespace riskd::cluster
