// BatchProcessor over a real StateStore and the real scoring engine; no Kafka.
#include "daemon/pipeline/batch_processor.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <random>

#include <gtest/gtest.h>

#include "daemon/clock/clock.h"
#include "daemon/codec/json.h"
#include "daemon/metrics/metrics.h"
#include "daemon/kafka/partitioner.h"
#include "daemon/store/changelog.h"
#include "riskd/v1/risk.pb.h"

namespace riskd::pipeline {
namespace {

namespace fs = std::filesystem;

// 2026-11-28T09:00:00Z
constexpr scoring::EpochMicros kNow = 1'795'856'400LL * scoring::kSecond;

std::string Event(const std::string& id, const std::string& account, const std::string& at, const std::string& payload) {
  return R"({"eventId":")" + id + R"(","accountId":")" + account + R"(","occurredAt":")" + at + R"(",)" + payload + "}";
}

const std::string kEmailReset = R"("passwordReset":{"stage":"COMPLETED","channel":"EMAIL"})";
const std::string kSendCredentials =
    R"("supportRequest":{"ticketId":"T-1","channel":"LIVE_CHAT","requestedAction":"SEND_CREDENTIALS","deliverTo":"EMAIL_ON_FILE","requesterAuthenticated":false})";

class BatchProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("riskd-batch-test-" + std::to_string(std::random_device{}()));
    store::StoreOptions options;
    options.dir = dir_.string();
    options.clock = &clock_;
    store_ = std::move(store::StateStore::Open(options).value());
    ASSERT_TRUE(store_->AddPartition(0).ok());
    auto config = std::make_shared<const scoring::ScoringConfig>();
    scoring_ = {std::make_shared<const scoring::Engine>(config), "v-test"};
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  kafka::ConsumedMessage Message(int64_t offset, const std::string& key, const std::string& value) {
    kafka::ConsumedMessage m;
    m.topic = "account-events";
    m.partition = 0;
    m.offset = offset;
    m.has_key = true;
    m.key = key;
    m.value = value;
    m.received = std::chrono::steady_clock::now();
    return m;
  }

  Result<BatchResult> Run(const std::vector<kafka::ConsumedMessage>& messages) {
    std::vector<const kafka::ConsumedMessage*> ptrs;
    for (const auto& m : messages) ptrs.push_back(&m);
    BatchProcessor processor(*store_, options_);
    return processor.Process(0, ptrs, scoring_, kNow);
  }

  fs::path dir_;
  ManualClock clock_{kNow};
  std::unique_ptr<store::StateStore> store_;
  PipelineOptions options_;
  ScoringSnapshot scoring_;
};

TEST_F(BatchProcessorTest, IncidentPublishesARiskUpdateWithTheStateAndOffsets) {
  auto result = Run({Message(0, "acct-42", Event("e1", "acct-42", "2026-11-28T08:00:00Z", kEmailReset)),
                     Message(1, "acct-42", Event("e2", "acct-42", "2026-11-28T08:30:00Z", kSendCredentials))});
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& w = result->write;
  ASSERT_EQ(w.accounts.size(), 1u) << "one state per account per batch";
  EXPECT_EQ(w.accounts[0].first, "acct-42");
  ASSERT_EQ(w.next_offsets.size(), 1u);
  EXPECT_EQ(w.next_offsets[0].second, 2);
  ASSERT_FALSE(w.outbox.empty());
  const auto& last = w.outbox.back();
  EXPECT_EQ(last.topic, "risk-decisions");
  EXPECT_EQ(last.key, "acct-42");
  auto update = codec::FromJson<v1::RiskUpdate>(last.value);
  ASSERT_TRUE(update.ok()) << last.value;
  EXPECT_EQ(update->trigger_event_id(), "e2");
  EXPECT_EQ(update->config_version(), "v-test");
  EXPECT_GE(update->score(), 60);
  EXPECT_EQ(result->outcome.applied.at("password_reset"), 1);
  EXPECT_EQ(result->outcome.applied.at("support_request"), 1);
  EXPECT_EQ(result->outcome.messages(), 2);
}

TEST_F(BatchProcessorTest, RejectedInputGoesToTheDeadLetterTopicWithItsReason) {
  auto result = Run({Message(5, "acct-1", "not json"),
                     Message(6, "other", Event("e1", "acct-1", "2026-11-28T08:00:00Z", kEmailReset)),
                     Message(7, "acct-1", Event("e2", "acct-1", "2026-11-28T08:00:00Z", kEmailReset))});
  ASSERT_TRUE(result.ok());
  const auto& outbox = result->write.outbox;
  ASSERT_GE(outbox.size(), 2u);
  EXPECT_EQ(outbox[0].topic, "account-events.dlq");
  EXPECT_EQ(outbox[0].value, "not json") << "the original value, unchanged";
  EXPECT_EQ(outbox[0].headers.back(), (kafka::Header{"riskd-error", "malformed"}));
  EXPECT_EQ(outbox[1].headers.back(), (kafka::Header{"riskd-error", "key_mismatch"}));
  // The detail names the field, never the value.
  ASSERT_GE(outbox[1].headers.size(), 2u);
  EXPECT_EQ(outbox[1].headers[outbox[1].headers.size() - 2],
            (kafka::Header{"riskd-error-detail", "accountId: differs from the message key"}));
  EXPECT_EQ(result->outcome.rejected.at("malformed"), 1);
  EXPECT_EQ(result->outcome.rejected.at("key_mismatch"), 1);
  EXPECT_EQ(result->outcome.applied.at("password_reset"), 1) << "the good event after them is applied";
  EXPECT_EQ(result->write.next_offsets[0].second, 8) << "offsets advance past rejected input";
}

TEST_F(BatchProcessorTest, RepeatedEventIdChangesNothingAcrossBatches) {
  auto first = Run({Message(0, "a", Event("e1", "a", "2026-11-28T08:00:00Z", kEmailReset))});
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(store_->Commit(first->write).ok());
  const auto before = store_->GetAccount(0, "a").value()->state;
  auto second = Run({Message(1, "a", Event("e1", "a", "2026-11-28T08:00:00Z", kEmailReset))});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->outcome.duplicates, 1);
  EXPECT_TRUE(second->write.accounts.empty()) << "a duplicate does not rewrite the state";
  EXPECT_TRUE(second->write.outbox.empty());
  EXPECT_EQ(second->write.next_offsets[0].second, 2);
  EXPECT_EQ(store_->GetAccount(0, "a").value()->state, before);
}

TEST_F(BatchProcessorTest, RecordCountsEveryMessageOnce) {
  auto result = Run({Message(0, "a", "{}"), Message(1, "a", Event("e1", "a", "2026-11-28T08:00:00Z", kEmailReset)),
                     Message(2, "a", Event("e1", "a", "2026-11-28T08:00:00Z", kEmailReset))});
  ASSERT_TRUE(result.ok());
  metrics::Metrics metrics("test");
  BatchProcessor::Record(result->outcome, metrics, kNow);
  const auto text = metrics.Scrape();
  EXPECT_NE(text.find("riskd_events_total{type=\"password_reset\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("riskd_event_duplicates_total 1"), std::string::npos);
  EXPECT_NE(text.find("riskd_events_rejected_total{reason=\"missing_field\"} 1"), std::string::npos);
}

TEST_F(BatchProcessorTest, LabelIsAppliedDurablyWithoutCountingAsAnEvent) {
  BatchProcessor processor(*store_, options_);
  auto result = processor.ProcessLabel(0, "a", scoring::LabelEvent("label-1", kNow, scoring::Label::kCompromised, "n"),
                                       scoring_);
  ASSERT_TRUE(result.ok());
  EXPECT_TRUE(result->write.sync);
  EXPECT_TRUE(result->outcome.applied.empty());
  ASSERT_EQ(result->write.accounts.size(), 1u);
  ASSERT_TRUE(store_->Commit(result->write).ok());
  auto state = scoring::AccountState::Parse(store_->GetAccount(0, "a").value()->state);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(scoring_.engine->Risk(*state, kNow).level, scoring::Level::kCritical);
}


TEST_F(BatchProcessorTest, ChangelogRecordsFollowTheUpdatesOnePerAccountThenTheOffsets) {
  options_.changelog_topic = "riskd-state-changelog";
  auto result = Run({Message(7, "acct-42", Event("e1", "acct-42", "2026-11-28T08:00:00Z", kEmailReset)),
                     Message(8, "acct-7", Event("e2", "acct-7", "2026-11-28T08:10:00Z", kEmailReset)),
                     Message(9, "acct-42", Event("e3", "acct-42", "2026-11-28T08:30:00Z", kSendCredentials))});
  ASSERT_TRUE(result.ok()) << result.error().message;
  const auto& outbox = result->write.outbox;
  // RiskUpdates first, then one changelog record per account (its final
  // state in the batch), then the offsets record.
  std::vector<std::string> changelog_keys;
  bool changelog_seen = false;
  for (const auto& e : outbox) {
    if (e.topic == "riskd-state-changelog") {
      changelog_seen = true;
      EXPECT_EQ(e.partition, 0) << "changelog partition N mirrors input partition N";
      changelog_keys.push_back(e.key);
    } else {
      EXPECT_FALSE(changelog_seen) << "a RiskUpdate after a changelog record of its batch";
    }
  }
  ASSERT_EQ(changelog_keys.size(), 3u);
  EXPECT_EQ(changelog_keys.back(), store::changelog::kOffsetsKey);
  EXPECT_EQ(std::set<std::string>(changelog_keys.begin(), changelog_keys.end() - 1),
            (std::set<std::string>{"acct-42", "acct-7"}));
  const auto& offsets_entry = outbox.back();
  auto offsets = store::changelog::Classify(offsets_entry.key, false, offsets_entry.value, offsets_entry.headers);
  ASSERT_TRUE(offsets.has_value());
  EXPECT_EQ(offsets->kind, store::changelog::Record::Kind::kOffsets);
  EXPECT_EQ(offsets->offsets, (store::changelog::Offsets{{"account-events", 10}}));
  EXPECT_EQ(offsets->writer, store_->writer_id());
  for (const auto& e : outbox) {
    if (e.key != "acct-42" || e.topic != "riskd-state-changelog") continue;
    auto rec = store::changelog::Classify(e.key, e.tombstone, e.value, e.headers);
    ASSERT_TRUE(rec.has_value());
    ASSERT_EQ(rec->kind, store::changelog::Record::Kind::kAccount);
    const auto& written = result->write.accounts;
    auto it = std::find_if(written.begin(), written.end(), [](const auto& a) { return a.first == "acct-42"; });
    ASSERT_NE(it, written.end());
    EXPECT_EQ(rec->value, store::EncodeAccount(it->second)) << "the changelog value is the stored record";
  }
}

TEST_F(BatchProcessorTest, CountsMessagesWhoseKeyMapsToAnotherPartition) {
  // With 4 partitions, find a key that the partitioner puts on partition 0
  // and one it puts elsewhere; both arrive on partition 0.
  std::string home, away;
  for (int i = 0; home.empty() || away.empty(); ++i) {
    const std::string key = "acct-" + std::to_string(i);
    (kafka::PartitionForKey(options_.partitioner, key, 4) == 0 ? home : away) = key;
  }
  std::vector<kafka::ConsumedMessage> messages = {
      Message(0, home, Event("m1", home, "2026-11-28T08:00:00Z", kEmailReset)),
      Message(1, away, Event("m2", away, "2026-11-28T08:00:00Z", kEmailReset))};
  std::vector<const kafka::ConsumedMessage*> ptrs;
  for (const auto& m : messages) ptrs.push_back(&m);
  BatchProcessor processor(*store_, options_);
  auto result = processor.Process(0, ptrs, scoring_, kNow, /*partition_count=*/4);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->outcome.misrouted, 1);
  EXPECT_EQ(result->write.accounts.size(), 2u) << "a misrouted event is still applied where it arrived";
  metrics::Metrics metrics("test");
  BatchProcessor::Record(result->outcome, metrics, kNow);
  EXPECT_NE(metrics.Scrape().find("riskd_misrouted_events_total 1"), std::string::npos);
}

TEST_F(BatchProcessorTest, SweepDeletesAgedOutAccountsWithChangelogTombstones) {
  options_.changelog_topic = "riskd-state-changelog";
  options_.max_idle = 90 * scoring::kDay;
  store::PartitionWrite w;
  w.partition = 0;
  w.accounts.push_back({"old", store::AccountRecord{kNow - 91 * scoring::kDay, "s"}});
  w.accounts.push_back({"recent", store::AccountRecord{kNow - 89 * scoring::kDay, "s"}});
  ASSERT_TRUE(store_->Commit(w).ok());
  BatchProcessor processor(*store_, options_);
  auto result = processor.Sweep(0, {"old", "recent", "never-seen"}, kNow);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->write.deleted_accounts, std::vector<std::string>{"old"});
  ASSERT_EQ(result->write.outbox.size(), 1u);
  EXPECT_TRUE(result->write.outbox[0].tombstone);
  EXPECT_EQ(result->write.outbox[0].key, "old");
  ASSERT_TRUE(store_->Commit(result->write).ok());
  EXPECT_FALSE(store_->GetAccount(0, "old")->has_value());
  EXPECT_TRUE(store_->GetAccount(0, "recent")->has_value());
}

}  // namespace
}  // namespace riskd::pipeline
