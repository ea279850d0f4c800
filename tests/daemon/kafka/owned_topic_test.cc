#include "daemon/kafka/owned_topic.h"

#include <gtest/gtest.h>

namespace riskd::kafka {
namespace {

TEST(OwnedTopicTest, MissingIsCreated) {
  EXPECT_EQ(PlanOwnedTopic("c", TopicShape{}, 16).verdict, TopicVerdict::kCreate);
}

TEST(OwnedTopicTest, RightCountIsReadyEvenWithRecords) {
  EXPECT_EQ(PlanOwnedTopic("c", TopicShape{true, 16, true}, 16).verdict, TopicVerdict::kReady);
  EXPECT_EQ(PlanOwnedTopic("c", TopicShape{true, 16, false}, 16).verdict, TopicVerdict::kReady);
}

// The broker auto-created it (Apache Kafka's auto.create.topics.enable) with
// its default count before riskd could create it: nothing was ever written,
// so it is safe to delete and create right.
TEST(OwnedTopicTest, EmptyWithWrongCountIsRecreatedSayingWhy) {
  const TopicPlan plan = PlanOwnedTopic("riskd-state-changelog", TopicShape{true, 1, true}, 16);
  EXPECT_EQ(plan.verdict, TopicVerdict::kRecreate);
  EXPECT_NE(plan.message.find("riskd-state-changelog has 1 partitions but the input topics have 16"),
            std::string::npos)
      << plan.message;
  EXPECT_NE(plan.message.find("holds no record"), std::string::npos) << plan.message;
}

// Records in it are state: never deleted by riskd; refuse naming both counts.
TEST(OwnedTopicTest, NonEmptyWithWrongCountIsRefusedNamingBothCounts) {
  const TopicPlan plan = PlanOwnedTopic("riskd-state-changelog", TopicShape{true, 4, false}, 16);
  EXPECT_EQ(plan.verdict, TopicVerdict::kRefuse);
  EXPECT_NE(plan.message.find("has 4 partitions but the input topics have 16"), std::string::npos) << plan.message;
  EXPECT_NE(plan.message.find("kafka.changelog_topic"), std::string::npos) << plan.message;
}

}  // namespace
}  // namespace riskd::kafka
