#include "daemon/store/state_store.h"

#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "daemon/clock/clock.h"
#include "daemon/store/age_filter.h"
#include "daemon/store/backup.h"
#include "daemon/store/batch_writer.h"
#include "daemon/store/changelog.h"
#include "daemon/store/keys.h"

namespace riskd::store {
namespace {

namespace fs = std::filesystem;

constexpr scoring::EpochMicros kNow = 1'795'000'000LL * scoring::kSecond;

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("riskd-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::unique_ptr<StateStore> OpenStore(const std::string& name = "state", BatchWriter* writer = nullptr) {
    StoreOptions options;
    options.dir = (root_ / name).string();
    options.clock = &clock_;
    options.writer = writer;
    auto store = StateStore::Open(options);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error().message);
    return store.ok() ? std::move(store.value()) : nullptr;
  }

  static PartitionWrite SampleWrite(int32_t partition, int64_t next_offset) {
    PartitionWrite w;
    w.partition = partition;
    w.accounts.push_back({"acct-1", AccountRecord{kNow - scoring::kHour, "state-bytes-1"}});
    w.next_offsets.push_back({"account-events", next_offset});
    w.outbox.push_back(OutboxEntry{"risk-decisions", "acct-1", "{\"score\":60}", {{"content-type", "application/json"}}});
    return w;
  }

  fs::path root_;
  ManualClock clock_{kNow};
};

TEST_F(StateStoreTest, CommitIsVisibleAndSurvivesReopen) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->AddPartition(3).ok());
    ASSERT_TRUE(store->Commit(SampleWrite(3, 42)).ok());
    auto account = store->GetAccount(3, "acct-1");
    ASSERT_TRUE(account.ok());
    ASSERT_TRUE(account->has_value());
    EXPECT_EQ((*account)->state, "state-bytes-1");
  }
  auto store = OpenStore();
  EXPECT_TRUE(store->HasPartition(3));
  EXPECT_EQ(store->Partitions(), std::vector<int32_t>{3});
  auto offset = store->GetNextOffset(3, "account-events");
  ASSERT_TRUE(offset.ok());
  EXPECT_EQ(offset->value_or(-1), 42);
  auto account = store->GetAccount(3, "acct-1");
  ASSERT_TRUE(account.ok() && account->has_value());
  EXPECT_EQ((*account)->last_event_micros, kNow - scoring::kHour);
  auto outbox = store->ReadOutbox(3, 0, 10);
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ((*outbox)[0].entry.topic, "risk-decisions");
  EXPECT_EQ((*outbox)[0].entry.headers.at(0).second, "application/json");
}

TEST_F(StateStoreTest, PartitionsAreSeparate) {
  auto store = OpenStore();
  ASSERT_TRUE(store->AddPartition(0).ok());
  ASSERT_TRUE(store->AddPartition(1).ok());
  ASSERT_TRUE(store->Commit(SampleWrite(0, 5)).ok());
  auto other = store->GetAccount(1, "acct-1");
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());
  auto missing = store->GetNextOffset(7, "account-events");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  EXPECT_FALSE(store->Commit(SampleWrite(7, 1)).ok()) << "commit to an unknown partition must fail";
}

TEST_F(StateStoreTest, SeveralPartitionsCommitTogetherOrNotAtAll) {
  FaultInjectingWriter writer;
  auto store = OpenStore("state", &writer);
  ASSERT_TRUE(store->AddPartition(0).ok());
  ASSERT_TRUE(store->AddPartition(1).ok());
  const auto a = SampleWrite(0, 5);
  auto b = SampleWrite(1, 9);
  b.accounts[0].second.state = "state-bytes-b";
  // A failed write applies nothing of any partition in it.
  writer.FailNextWrites(1);
  EXPECT_FALSE(store->Commit(std::vector<const PartitionWrite*>{&a, &b}).ok());
  for (int32_t p : {0, 1}) {
    auto account = store->GetAccount(p, "acct-1");
    ASSERT_TRUE(account.ok());
    EXPECT_FALSE(account->has_value()) << p;
    auto offset = store->GetNextOffset(p, "account-events");
    ASSERT_TRUE(offset.ok());
    EXPECT_FALSE(offset->has_value()) << p;
    auto outbox = store->ReadOutbox(p, 0, 10);
    ASSERT_TRUE(outbox.ok());
    EXPECT_TRUE(outbox->empty()) << p;
  }
  // Then both land, each in its own partition.
  ASSERT_TRUE(store->Commit(std::vector<const PartitionWrite*>{&a, &b}).ok());
  EXPECT_EQ(store->GetNextOffset(0, "account-events")->value_or(-1), 5);
  EXPECT_EQ(store->GetNextOffset(1, "account-events")->value_or(-1), 9);
  EXPECT_EQ((*store->GetAccount(0, "acct-1"))->state, "state-bytes-1");
  EXPECT_EQ((*store->GetAccount(1, "acct-1"))->state, "state-bytes-b");
  EXPECT_EQ(store->ReadOutbox(0, 0, 10)->size(), 1u);
  EXPECT_EQ(store->ReadOutbox(1, 0, 10)->size(), 1u);
  // One unknown partition refuses the whole write.
  const auto unknown = SampleWrite(7, 1);
  const auto a2 = SampleWrite(0, 6);
  EXPECT_FALSE(store->Commit(std::vector<const PartitionWrite*>{&a2, &unknown}).ok());
  EXPECT_EQ(store->GetNextOffset(0, "account-events")->value_or(-1), 5);
}

TEST_F(StateStoreTest, OutboxSequenceContinuesAfterReopenAndDeletesStick) {
  uint64_t first_seq = 0;
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->AddPartition(0).ok());
    ASSERT_TRUE(store->Commit(SampleWrite(0, 1)).ok());
    ASSERT_TRUE(store->Commit(SampleWrite(0, 2)).ok());
    auto items = store->ReadOutbox(0, 0, 10);
    ASSERT_TRUE(items.ok());
    ASSERT_EQ(items->size(), 2u);
    first_seq = (*items)[0].seq;
    EXPECT_LT((*items)[0].seq, (*items)[1].seq);
    ASSERT_TRUE(store->DeleteOutbox(0, {first_seq}).ok());
  }
  auto store = OpenStore();
  ASSERT_TRUE(store->Commit(SampleWrite(0, 3)).ok());
  auto items = store->ReadOutbox(0, 0, 10);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_GT((*items)[0].seq, first_seq);
  EXPECT_GT((*items)[1].seq, (*items)[0].seq) << "sequence numbers never repeat after reopen";
  auto after = store->ReadOutbox(0, (*items)[0].seq, 10);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->size(), 1u);
}

TEST_F(StateStoreTest, FailedWriteChangesNothing) {
  FaultInjectingWriter writer;
  auto store = OpenStore("state", &writer);
  ASSERT_TRUE(store->AddPartition(0).ok());
  writer.FailNextWrites(1);
  auto status = store->Commit(SampleWrite(0, 9));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, "io_error");
  EXPECT_EQ(writer.failures_injected(), 1);
  auto offset = store->GetNextOffset(0, "account-events");
  ASSERT_TRUE(offset.ok());
  EXPECT_FALSE(offset->has_value()) << "offsets must not advance on a failed write";
  auto outbox = store->ReadOutbox(0, 0, 10);
  ASSERT_TRUE(outbox.ok());
  EXPECT_TRUE(outbox->empty());
  ASSERT_TRUE(store->Commit(SampleWrite(0, 9)).ok()) << "the retry succeeds";
  EXPECT_EQ(store->GetNextOffset(0, "account-events")->value_or(-1), 9);
}

TEST_F(StateStoreTest, IdleAccountsAgeOutAtCompaction) {
  auto store = OpenStore();
  ASSERT_TRUE(store->AddPartition(0).ok());
  PartitionWrite w;
  w.partition = 0;
  w.accounts.push_back({"old", AccountRecord{kNow - 91 * scoring::kDay, "x"}});
  w.accounts.push_back({"recent", AccountRecord{kNow - 89 * scoring::kDay, "y"}});
  w.next_offsets.push_back({"account-events", 2});
  ASSERT_TRUE(store->Commit(w).ok());
  ASSERT_TRUE(store->CompactAll().ok());
  EXPECT_FALSE(store->GetAccount(0, "old")->has_value());
  EXPECT_TRUE(store->GetAccount(0, "recent")->has_value());
  EXPECT_EQ(store->GetNextOffset(0, "account-events")->value_or(-1), 2) << "offsets never age out";
}

TEST(AgeFilterTest, OnlyAccountKeysExpire) {
  const std::string old_value = EncodeAccount(AccountRecord{0, "s"});
  EXPECT_TRUE(IsExpiredAccount(keys::Account("a"), old_value, 100 * scoring::kDay, 90 * scoring::kDay));
  EXPECT_FALSE(IsExpiredAccount(keys::Account("a"), old_value, 90 * scoring::kDay, 90 * scoring::kDay));
  EXPECT_FALSE(IsExpiredAccount(keys::Offset("t"), old_value, 100 * scoring::kDay, 90 * scoring::kDay));
  EXPECT_FALSE(IsExpiredAccount(keys::Outbox(1), old_value, 100 * scoring::kDay, 90 * scoring::kDay));
}

TEST_F(StateStoreTest, AuditListsInTimeOrderAndFiltersByAccount) {
  auto store = OpenStore();
  ASSERT_TRUE(store->AppendAudit(AuditEntry{20, "alice", "feedback", "acct-2", "COMPROMISED", "v1", "{}"}).ok());
  ASSERT_TRUE(store->AppendAudit(AuditEntry{10, "bob", "evaluate", "acct-1", "STEP_UP", "v1", "{\"a\":1}"}).ok());
  auto all = store->ListAudit("");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].who, "bob");
  auto one = store->ListAudit("acct-2");
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].outcome, "COMPROMISED");
  EXPECT_EQ(AuditToJson((*all)[0]),
            "{\"atMicros\":10,\"who\":\"bob\",\"what\":\"evaluate\",\"accountId\":\"acct-1\","
            "\"outcome\":\"STEP_UP\",\"configVersion\":\"v1\",\"detail\":{\"a\":1}}");
}

TEST_F(StateStoreTest, BackupRestoresTheSameState) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->AddPartition(2).ok());
    ASSERT_TRUE(store->Commit(SampleWrite(2, 17)).ok());
  }
  const auto state = (root_ / "state").string();
  const auto backups = (root_ / "backups").string();
  ASSERT_TRUE(BackupStateDir(state, backups, clock_).ok());
  ASSERT_TRUE(BackupStateDir(state, backups, clock_).ok()) << "a second, incremental backup";
  EXPECT_FALSE(RestoreStateDir(backups, state).ok()) << "never overwrites a live database";
  ASSERT_TRUE(RestoreStateDir(backups, (root_ / "restored").string()).ok());
  auto restored = OpenStore("restored");
  EXPECT_EQ(restored->GetNextOffset(2, "account-events")->value_or(-1), 17);
  auto account = restored->GetAccount(2, "acct-1");
  ASSERT_TRUE(account.ok() && account->has_value());
  EXPECT_EQ((*account)->state, "state-bytes-1");
  EXPECT_EQ(restored->ReadOutbox(2, 0, 10)->size(), 1u);
}

TEST(RecordsTest, CorruptOutboxIsRejected) {
  const std::string good = EncodeOutbox(OutboxEntry{"t", "k", "v", {{"h", "x"}}});
  EXPECT_TRUE(DecodeOutbox(good).has_value());
  EXPECT_FALSE(DecodeOutbox(good.substr(0, good.size() - 1)).has_value());
  EXPECT_FALSE(DecodeOutbox("").has_value());
}

TEST(RecordsTest, OutboxCarriesPartitionAndTombstoneAndReadsVersionOne) {
  OutboxEntry e{"riskd-state-changelog", "acct-1", "", {{"riskd-writer", "w"}}};
  e.partition = 3;
  e.tombstone = true;
  auto back = DecodeOutbox(EncodeOutbox(e));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->partition, 3);
  EXPECT_TRUE(back->tombstone);
  EXPECT_EQ(back->headers, e.headers);
  // An entry a version-1 riskd left in the outbox: no partition, no flag.
  std::string v1(1, '\1');
  for (std::string_view f : {"risk-decisions", "acct-1", "{}", "0"}) PutLengthPrefixed(&v1, f);
  auto old = DecodeOutbox(v1);
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->partition, -1);
  EXPECT_FALSE(old->tombstone);
  EXPECT_EQ(old->topic, "risk-decisions");
}

TEST(ChangelogTest, OffsetsRecordsRoundTripAndBadOnesAreRefused) {
  const changelog::Offsets offsets = {{"account-events", 42}, {"other-events", 0}};
  EXPECT_EQ(changelog::EncodeOffsets(offsets), "account-events=42\nother-events=0\n");
  EXPECT_EQ(changelog::DecodeOffsets(changelog::EncodeOffsets(offsets)), offsets);
  for (std::string_view bad : {"account-events=42", "=1\n", "t=-1\n", "t=x\n", "t\n"}) {
    EXPECT_FALSE(changelog::DecodeOffsets(bad).has_value()) << bad;
  }
}

TEST(ChangelogTest, ClassifiesAccountsTombstonesAndOffsets) {
  const AccountRecord record{kNow, "state"};
  auto account = changelog::AccountEntry("cl", 2, "w1", "acct-1", record);
  auto rec = changelog::Classify(account.key, false, account.value, account.headers);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->kind, changelog::Record::Kind::kAccount);
  EXPECT_EQ(rec->key, "acct-1");
  EXPECT_EQ(DecodeAccount(rec->value)->state, "state");
  EXPECT_EQ(rec->writer, "w1");
  EXPECT_EQ(account.partition, 2);

  auto tomb = changelog::TombstoneEntry("cl", 2, "w1", "acct-1");
  rec = changelog::Classify(tomb.key, tomb.tombstone, tomb.value, tomb.headers);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->kind, changelog::Record::Kind::kTombstone);

  auto offsets = changelog::OffsetsEntry("cl", 2, "w2", {{"account-events", 9}});
  EXPECT_EQ(offsets.key, changelog::kOffsetsKey);
  rec = changelog::Classify(offsets.key, false, offsets.value, offsets.headers);
  ASSERT_TRUE(rec.has_value());
  EXPECT_EQ(rec->kind, changelog::Record::Kind::kOffsets);
  EXPECT_EQ(rec->offsets, (changelog::Offsets{{"account-events", 9}}));
  EXPECT_EQ(rec->writer, "w2");

  // Not riskd's: an account value shorter than its time prefix.
  EXPECT_FALSE(changelog::Classify("acct-1", false, "short", {}).has_value());
}

TEST_F(StateStoreTest, WriterIdIsStableForTheStateDirectory) {
  std::string id;
  {
    auto store = OpenStore();
    id = store->writer_id();
    EXPECT_EQ(id.size(), 32u);
  }
  EXPECT_EQ(OpenStore()->writer_id(), id);
  EXPECT_NE(OpenStore("other")->writer_id(), id);
}

TEST_F(StateStoreTest, CheckpointIsWrittenWithTheDeletionOfDeliveredEntries) {
  auto store = OpenStore();
  ASSERT_TRUE(store->AddPartition(0).ok());
  auto w = SampleWrite(0, 5);
  w.outbox.push_back(changelog::AccountEntry("cl", 0, store->writer_id(), "acct-1", w.accounts[0].second));
  ASSERT_TRUE(store->Commit(w).ok());
  EXPECT_EQ(*store->CountOutbox(0, "cl"), 1);
  EXPECT_FALSE(store->GetChangelogCheckpoint(0)->has_value());
  auto items = store->ReadOutbox(0, 0, 10);
  ASSERT_EQ(items->size(), 2u);
  ASSERT_TRUE(store->DeleteOutbox(0, {(*items)[1].seq}, 17).ok());
  EXPECT_EQ(*store->CountOutbox(0, "cl"), 0);
  EXPECT_EQ(store->GetChangelogCheckpoint(0)->value_or(-1), 17);
}

TEST_F(StateStoreTest, RestoreRebuildsAPartitionDurablyAndKeepsRiskUpdates) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->AddPartition(1).ok());
    auto w = SampleWrite(1, 5);
    w.accounts.push_back({"stale-only-here", AccountRecord{kNow, "x"}});
    w.outbox.push_back(changelog::AccountEntry("cl", 1, store->writer_id(), "acct-1", w.accounts[0].second));
    ASSERT_TRUE(store->Commit(w).ok());
    ASSERT_TRUE(store->DeleteOutbox(1, {}, 3).ok());

    // A full restore drops accounts, offsets, checkpoint and the
    // undelivered changelog entries, but keeps RiskUpdates to publish.
    ASSERT_TRUE(store->BeginFullRestore(1, "cl").ok());
    EXPECT_FALSE(store->GetAccount(1, "acct-1")->has_value());
    EXPECT_FALSE(store->GetNextOffset(1, "account-events")->has_value());
    EXPECT_FALSE(store->GetChangelogCheckpoint(1)->has_value());
    EXPECT_EQ(*store->CountOutbox(1, "cl"), 0);
    EXPECT_EQ(*store->CountOutbox(1, "risk-decisions"), 1);

    // Records apply in changelog order (a put then a tombstone of the same key).
    ASSERT_TRUE(store->ApplyRestoreBatch(1, {{"acct-1", EncodeAccount({kNow - 5, "v1"})},
                                             {"acct-2", EncodeAccount({kNow - 4, "v2"})},
                                             {"acct-1", std::nullopt},
                                             {"acct-3", EncodeAccount({kNow - 3, "v3"})}})
                    .ok());
    ASSERT_TRUE(store->ApplyRestoreBatch(1, {{"acct-1", EncodeAccount({kNow - 2, "v1b"})}}).ok());
    ASSERT_TRUE(store->FinishRestore(1, changelog::Offsets{{"account-events", 77}}, 123, "cl").ok());
  }
  // Reopened: the WAL-less restore writes were flushed before the checkpoint.
  auto store = OpenStore();
  EXPECT_EQ((*store->GetAccount(1, "acct-1"))->state, "v1b");
  EXPECT_EQ((*store->GetAccount(1, "acct-2"))->state, "v2");
  EXPECT_EQ((*store->GetAccount(1, "acct-3"))->last_event_micros, kNow - 3);
  EXPECT_FALSE(store->GetAccount(1, "stale-only-here")->has_value());
  EXPECT_EQ(store->GetNextOffset(1, "account-events")->value_or(-1), 77);
  EXPECT_EQ(store->GetChangelogCheckpoint(1)->value_or(-1), 123);
}

TEST_F(StateStoreTest, IncrementalRestoreKeepsOffsetsWhenNoOffsetsRecordWasRead) {
  auto store = OpenStore();
  ASSERT_TRUE(store->AddPartition(0).ok());
  ASSERT_TRUE(store->Commit(SampleWrite(0, 5)).ok());
  ASSERT_TRUE(store->ApplyRestoreBatch(0, {{"acct-9", EncodeAccount({kNow, "v9"})}}).ok());
  ASSERT_TRUE(store->FinishRestore(0, std::nullopt, 8, "cl").ok());
  EXPECT_EQ(store->GetNextOffset(0, "account-events")->value_or(-1), 5);
  EXPECT_TRUE(store->GetAccount(0, "acct-1")->has_value());
  EXPECT_TRUE(store->GetAccount(0, "acct-9")->has_value());
}

TEST_F(StateStoreTest, OwnershipEpochIsStoredWithOffsetsClaimsAndRestores) {
  auto store = OpenStore();
  ASSERT_TRUE(store->AddPartition(2).ok());
  EXPECT_FALSE(store->GetChangelogEpoch(2)->has_value());
  // An owner's claim: epoch and the checkpoint past it, together.
  ASSERT_TRUE(store->RecordClaim(2, 40, 41).ok());
  EXPECT_EQ(store->GetChangelogEpoch(2)->value_or(-1), 40);
  EXPECT_EQ(store->GetChangelogCheckpoint(2)->value_or(-1), 41);
  // A batch carries it beside its offsets; a batch without one keeps it.
  PartitionWrite w = SampleWrite(2, 7);
  w.epoch = 40;
  std::vector<uint64_t> seqs;
  ASSERT_TRUE(store->Commit(w, &seqs).ok());
  ASSERT_EQ(seqs.size(), w.outbox.size());
  auto outbox = store->ReadOutbox(2, 0, 10);
  ASSERT_TRUE(outbox.ok());
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ(outbox->front().seq, seqs[0]);
  ASSERT_TRUE(store->Commit(SampleWrite(2, 8)).ok());
  EXPECT_EQ(store->GetChangelogEpoch(2)->value_or(-1), 40);
  // A restore records the newest epoch it applied; a full restore starts over.
  ASSERT_TRUE(store->FinishRestore(2, std::nullopt, 95, "cl", 90).ok());
  EXPECT_EQ(store->GetChangelogEpoch(2)->value_or(-1), 90);
  ASSERT_TRUE(store->BeginFullRestore(2, "cl").ok());
  EXPECT_FALSE(store->GetChangelogEpoch(2)->has_value());
}

TEST_F(StateStoreTest, CommitDeletesAgedOutAccounts) {
  auto store = OpenStore();
  ASSERT_TRUE(store->AddPartition(0).ok());
  ASSERT_TRUE(store->Commit(SampleWrite(0, 5)).ok());
  PartitionWrite w;
  w.partition = 0;
  w.deleted_accounts.push_back("acct-1");
  w.outbox.push_back(changelog::TombstoneEntry("cl", 0, store->writer_id(), "acct-1"));
  ASSERT_TRUE(store->Commit(w).ok());
  EXPECT_FALSE(store->GetAccount(0, "acct-1")->has_value());
}

// riskd_accounts: accounts only, each once, however often it was rewritten
// and whatever else (offsets, outbox) the partition holds.
TEST_F(StateStoreTest, CountAccountsCountsEachAccountOnceAndNothingElse) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->CountAccounts().value(), 0);
  for (int32_t p : {0, 1}) ASSERT_TRUE(store->AddPartition(p).ok());
  for (int round = 0; round < 5; ++round) {
    for (int32_t p : {0, 1}) {
      PartitionWrite w = SampleWrite(p, 10 + round);
      for (int a = 0; a < 20; ++a) {
        w.accounts.push_back({"acct-" + std::to_string(p) + "-" + std::to_string(a), AccountRecord{kNow, "s"}});
      }
      ASSERT_TRUE(store->Commit(w).ok());
    }
  }
  // acct-1 in both partitions, plus 20 of its own in each.
  EXPECT_EQ(store->CountAccounts().value(), 42);
  const StoreStats stats = store->Stats();
  EXPECT_GT(stats.state_bytes, 0);
  EXPECT_GT(stats.memtable_bytes, 0);
  EXPECT_GE(stats.block_cache_usage_bytes, stats.memtable_bytes) << "memtables are charged to the block cache";
  EXPECT_EQ(stats.block_cache_capacity_bytes, static_cast<int64_t>(StoreOptions().block_cache_bytes));
  EXPECT_FALSE(stats.write_stopped);
  EXPECT_EQ(stats.write_stops, 0);
  EXPECT_EQ(stats.background_errors, 0);
  ASSERT_TRUE(store->CompactAll().ok());
  EXPECT_EQ(store->CountAccounts().value(), 42);
  EXPECT_GT(store->Stats().live_data_bytes, 0);
}

}  // namespace
}  // namespace riskd::store
