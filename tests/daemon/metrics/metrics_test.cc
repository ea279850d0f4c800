#include "daemon/metrics/metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace riskd::metrics {
namespace {

// SPEC section 8: these names are part of the contract.
TEST(MetricsTest, ScrapeNamesEverySpecMetric) {
  Metrics m("1.2.3");
  m.SetConsumerLag("account-events", 0, 5);
  m.HttpRequest("risk", 200, 0.001);
  m.SetConfigVersion("abc");
  std::string text = m.Scrape();
  for (const char* name :
       {"riskd_events_total{", "riskd_events_rejected_total{", "riskd_event_duplicates_total",
        "riskd_event_processing_seconds_bucket", "riskd_event_lag_seconds_bucket",
        "riskd_consumer_lag_messages{", "riskd_rule_fired_total{", "riskd_level_transitions_total{",
        "riskd_evaluations_total{", "riskd_http_requests_total{", "riskd_http_request_duration_seconds_bucket{",
        "riskd_accounts", "riskd_state_bytes", "riskd_config_reloads_total{", "riskd_config_info{",
        "riskd_build_info{"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
  EXPECT_NE(text.find("riskd_build_info{version=\"1.2.3\"} 1"), std::string::npos);
}

TEST(MetricsTest, CountersCountWithTheirLabels) {
  Metrics m("x");
  m.EventRejected("malformed");
  m.EventRejected("malformed");
  m.EventRejected("something_new");
  m.RuleFired("reset_burst", true);
  std::string text = m.Scrape();
  EXPECT_NE(text.find("riskd_events_rejected_total{reason=\"malformed\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("riskd_events_rejected_total{reason=\"something_new\"} 1"), std::string::npos);
  EXPECT_NE(text.find("riskd_rule_fired_total{rule=\"reset_burst\",shadow=\"true\"} 1"), std::string::npos);
}

TEST(MetricsTest, ConfigInfoKeepsOnlyTheVersionInForce) {
  Metrics m("x");
  m.SetConfigVersion("old");
  m.SetConfigVersion("new");
  std::string text = m.Scrape();
  EXPECT_EQ(text.find("version=\"old\""), std::string::npos);
  EXPECT_NE(text.find("riskd_config_info{version=\"new\"} 1"), std::string::npos);
}

TEST(MetricsTest, RemovedConsumerLagDisappears) {
  Metrics m("x");
  m.SetConsumerLag("t", 3, 7);
  m.RemoveConsumerLag("t", 3);
  EXPECT_EQ(m.Scrape().find("partition=\"3\""), std::string::npos);
}

TEST(MetricsTest, ConsumerLagsReplaceTheAssignedSet) {
  Metrics m("x");
  m.SetConsumerLags({{{"t", 0}, 5}, {{"t", 1}, 7}});
  m.SetConsumerLags({{{"t", 1}, 2}, {{"u", 1}, 0}});
  std::string text = m.Scrape();
  EXPECT_EQ(text.find(R"(riskd_consumer_lag_messages{partition="0",topic="t"})"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(riskd_consumer_lag_messages{partition="1",topic="t"} 2)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(riskd_consumer_lag_messages{partition="1",topic="u"} 0)"), std::string::npos) << text;
}

TEST(MetricsTest, CumulativeRocksDbFiguresBecomeCountersThatGrowByTheDifference) {
  Metrics m("x");
  RocksDbFigures f;
  f.write_stall_micros = 1'500'000;
  f.write_stops = 2;
  f.write_stopped = true;
  f.pending_compaction_bytes = 1234;
  m.SetRocksDb(f);
  f.write_stall_micros = 2'000'000;
  f.write_stops = 3;
  f.write_stopped = false;
  m.SetRocksDb(f);
  std::string text = m.Scrape();
  EXPECT_NE(text.find("riskd_rocksdb_write_stall_seconds_total 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(riskd_rocksdb_write_stalls_total{kind="stop"} 3)"), std::string::npos) << text;
  EXPECT_NE(text.find("riskd_rocksdb_write_stopped 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("riskd_rocksdb_pending_compaction_bytes 1234\n"), std::string::npos) << text;
}

TEST(MetricsTest, ProduceErrorsKafkaFiguresAndReadiness) {
  Metrics m("x");
  m.ProduceError("msg_timed_out");
  m.ProduceError("msg_timed_out");
  m.KafkaClientError("consumer", "all_brokers_down");
  m.SetKafkaBrokers("consumer", {{"b1:9092/1", true}, {"b2:9092/2", false}});
  m.SetKafkaBrokers("consumer", {{"b1:9092/1", true}});
  m.SetReady(true);
  std::string text = m.Scrape();
  EXPECT_NE(text.find(R"(riskd_produce_errors_total{reason="msg_timed_out"} 2)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(riskd_kafka_client_errors_total{client="consumer",reason="all_brokers_down"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(riskd_kafka_broker_up{broker="b1:9092/1",client="consumer"} 1)"), std::string::npos);
  EXPECT_EQ(text.find("b2:9092/2"), std::string::npos) << "a broker gone from the statistics is removed";
  EXPECT_NE(text.find("riskd_ready 1\n"), std::string::npos);
}

}  // namespace
}  // namespace riskd::metrics
