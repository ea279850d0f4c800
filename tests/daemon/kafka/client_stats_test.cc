#include "daemon/kafka/client_stats.h"

#include <gtest/gtest.h>

#include <librdkafka/rdkafka.h>

namespace riskd::kafka {
namespace {

// Trimmed from a real consumer's statistics (librdkafka 2.0, mock cluster).
constexpr const char* kConsumerStats = R"({
  "name": "rdkafka#consumer-1", "type": "consumer", "ts": 1, "unknown_top_level": {"x": [1, 2]},
  "brokers": {
    "127.0.0.1:39373/1": {"name": "127.0.0.1:39373/1", "nodeid": 1, "source": "configured", "state": "UP"},
    "127.0.0.1:39374/2": {"name": "127.0.0.1:39374/2", "nodeid": 2, "source": "learned", "state": "DOWN"},
    "GroupCoordinator": {"name": "GroupCoordinator", "nodeid": 1, "source": "logical", "state": "UP"},
    "broker-1:9092/bootstrap": {"name": "broker-1:9092/bootstrap", "nodeid": -1, "source": "configured", "state": "INIT"}
  },
  "topics": {
    "account-events": {"topic": "account-events", "partitions": {
      "0": {"partition": 0, "desired": true, "fetch_state": "active", "hi_offset": 120, "ls_offset": 100,
            "lo_offset": 0, "committed_offset": 90, "next_offset": 95, "consumer_lag": 10},
      "1": {"partition": 1, "desired": true, "fetch_state": "active", "hi_offset": 50, "ls_offset": 50,
            "lo_offset": 0, "committed_offset": -1001, "next_offset": 20, "consumer_lag": -1},
      "2": {"partition": 2, "desired": false, "fetch_state": "none", "hi_offset": 70, "ls_offset": 70,
            "lo_offset": 0, "committed_offset": 3, "next_offset": 0, "consumer_lag": 67},
      "3": {"partition": 3, "desired": true, "fetch_state": "offset-query", "hi_offset": -1001, "ls_offset": -1001,
            "lo_offset": -1001, "committed_offset": -1001, "next_offset": -1001, "consumer_lag": -1},
      "-1": {"partition": -1, "desired": false, "hi_offset": -1001, "consumer_lag": -1}
    }}
  }
})";

TEST(ClientStatsTest, LagOfAssignedPartitionsOnly) {
  auto stats = ParseClientStats(kConsumerStats);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  ASSERT_EQ(stats->lags.size(), 2u) << "assigned, with a known end offset";
  for (const auto& l : stats->lags) {
    EXPECT_EQ(l.topic, "account-events");
    if (l.partition == 0) {
      EXPECT_EQ(l.messages, 10) << "librdkafka's consumer_lag: last stable offset - committed";
    } else if (l.partition == 1) {
      EXPECT_EQ(l.messages, 30) << "nothing committed yet: from the fetch position";
    }
    EXPECT_NE(l.partition, 2) << "not assigned to this member";
    EXPECT_NE(l.partition, 3) << "end offset not known yet";
  }
}

TEST(ClientStatsTest, BrokersWithNodeIdsOnly) {
  auto stats = ParseClientStats(kConsumerStats);
  ASSERT_TRUE(stats.ok());
  ASSERT_EQ(stats->brokers.size(), 2u);
  for (const auto& b : stats->brokers) {
    if (b.name == "127.0.0.1:39373/1") {
      EXPECT_TRUE(b.up);
    } else {
      EXPECT_EQ(b.name, "127.0.0.1:39374/2");
      EXPECT_FALSE(b.up);
    }
  }
}

TEST(ClientStatsTest, ProducerStatsHaveNoLagAndGarbageIsAnError) {
  auto producer = ParseClientStats(R"({"type":"producer","brokers":{},"topics":{"risk-decisions":{"partitions":
      {"0":{"partition":0,"desired":false,"hi_offset":-1001,"consumer_lag":-1}}}}})");
  ASSERT_TRUE(producer.ok());
  EXPECT_TRUE(producer->lags.empty());
  EXPECT_FALSE(ParseClientStats("{not json").ok());
}

TEST(ClientStatsTest, ErrorReasonIsTheLowerCaseNameWithoutUnderscore) {
  EXPECT_EQ(ErrorReason(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), "msg_timed_out");
  EXPECT_EQ(ErrorReason(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN), "all_brokers_down");
  EXPECT_EQ(ErrorReason(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED), "topic_authorization_failed");
}

}  // namespace
}  // namespace riskd::kafka
