// A broker that auto-creates topics (Apache Kafka's default; librdkafka's
// mock cluster does too, with 4 partitions). Before: riskd's producer asked
// for the changelog topic's metadata before riskd created it, the broker
// created it with its default partition count, and riskd then refused to
// start because that count (4) is not the input's (16) — on its very first
// start, with nothing anyone could have done. Now riskd ensures the topics it
// owns first, with a client that never auto-creates: it creates the
// changelog right (CreateTopics), recreates an empty one with the wrong
// count (DeleteTopics + CreateTopics), and refuses only one holding records.
//
// The mock cluster implements neither CreateTopics nor DeleteTopics, so here
// riskd cannot finish the job; these tests check what it can be seen doing:
// that nothing auto-creates the changelog any more, and that it explains
// exactly what it found and what to do. The decision itself is unit-tested
// (tests/daemon/kafka/owned_topic_test.cc).
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include "tests/integration/harness/fixture.h"

namespace riskd::it {
namespace {

using namespace std::chrono_literals;

constexpr int kInputPartitions = 16;
const std::string kGroup = "autocreate";
const std::string kEvents = "events16";
const std::string kOwnedChangelog = kGroup + "-state-changelog";

class TopicAutoCreateTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    ASSERT_TRUE(cluster().CreateTopic(kEvents, kInputPartitions).ok());
    ASSERT_TRUE(cluster().CreateTopic(kEvents + ".dlq", kInputPartitions).ok());
    ASSERT_TRUE(cluster().CreateTopic(kGroup + "-members", 1).ok());
  }

  std::unique_ptr<RiskdProcess> Riskd() {
    RiskdConfig c;
    c.group_id = kGroup;
    c.input_topic = kEvents;
    return NewRiskd("riskd", c);
  }

  // The partition count of `topic` from a metadata request for every topic,
  // which never auto-creates one; 0 when it does not exist.
  int32_t PartitionsOf(const std::string& topic) {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap().c_str(), err, sizeof err);
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
    EXPECT_NE(rk, nullptr) << err;
    if (!rk) return -1;
    const rd_kafka_metadata_t* md = nullptr;
    int32_t n = -1;
    if (rd_kafka_metadata(rk, 1, nullptr, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
      n = 0;
      for (int i = 0; i < md->topic_cnt; ++i) {
        if (topic == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
          n = md->topics[i].partition_cnt;
        }
      }
      rd_kafka_metadata_destroy(md);
    }
    rd_kafka_destroy(rk);
    return n;
  }

  // Waits for riskd to exit (it refuses to start).
  static bool Exits(RiskdProcess& riskd) {
    return WaitFor([&] { return !riskd.Running(); }, 90s);
  }
};

// First start, changelog missing: riskd must not let the broker auto-create
// it with its default count. (On the mock, CreateTopics is missing, so riskd
// says what to create; a real broker creates it with 16 partitions.)
TEST_F(TopicAutoCreateTest, TheChangelogIsNeverLeftToBrokerAutoCreation) {
  ASSERT_EQ(PartitionsOf(kOwnedChangelog), 0);
  auto riskd = Riskd();
  riskd->Start();
  ASSERT_TRUE(Exits(*riskd)) << riskd->Stderr();
  EXPECT_EQ(PartitionsOf(kOwnedChangelog), 0) << "the changelog was auto-created:\n" << riskd->Stderr();
  EXPECT_NE(riskd->Stderr().find("create " + kOwnedChangelog + " with 16 partitions"), std::string::npos)
      << riskd->Stderr();

  // Created as asked, riskd starts.
  ASSERT_TRUE(cluster().CreateTopic(kOwnedChangelog, kInputPartitions).ok());
  riskd->Start();
  EXPECT_TRUE(WaitReady(riskd->http_port(), 60s)) << riskd->Stderr();
  EXPECT_EQ(riskd->Terminate(), 0);
}

// An empty changelog with the broker's default count (someone's metadata
// request auto-created it): riskd recognises it as safe to recreate. The
// mock cannot delete topics, so riskd stops, saying so and what to do.
TEST_F(TopicAutoCreateTest, AnEmptyAutoCreatedChangelogIsRecreatedNotRefused) {
  ASSERT_TRUE(cluster().CreateTopic(kOwnedChangelog, 4).ok());
  auto riskd = Riskd();
  riskd->Start();
  ASSERT_TRUE(Exits(*riskd)) << riskd->Stderr();
  const std::string err = riskd->Stderr();
  EXPECT_NE(err.find("recreating an empty owned topic"), std::string::npos) << err;
  EXPECT_NE(err.find("has 4 partitions but the input topics have 16"), std::string::npos) << err;
  EXPECT_NE(err.find("deleting it failed"), std::string::npos) << err;
}

// A changelog that holds records is state: riskd never deletes it, and
// refuses naming both counts.
TEST_F(TopicAutoCreateTest, AChangelogWithRecordsAndTheWrongCountIsRefused) {
  ASSERT_TRUE(cluster().CreateTopic(kOwnedChangelog, 4).ok());
  TestProducer producer(bootstrap());
  producer.ProduceTo(kOwnedChangelog, 0, "acct-1", "state");
  ASSERT_EQ(producer.Flush(), 0);
  auto riskd = Riskd();
  riskd->Start();
  ASSERT_TRUE(Exits(*riskd)) << riskd->Stderr();
  const std::string err = riskd->Stderr();
  EXPECT_NE(err.find("has 4 partitions but the input topics have 16 and it holds records"), std::string::npos)
      << err;
  EXPECT_EQ(err.find("recreating"), std::string::npos) << err;
  EXPECT_EQ(PartitionsOf(kOwnedChangelog), 4);
}

}  // namespace
}  // namespace riskd::it
