#include "daemon/pipeline/pipeline.h"

#include <algorithm>
#include <thread>

#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"

namespace riskd::pipeline {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kHousekeepingEvery = std::chrono::milliseconds(200);
constexpr auto kOwnershipRecheckEvery = std::chrono::seconds(2);
constexpr auto kFirstSweepAfter = std::chrono::seconds(30);
constexpr auto kHandOverWait = std::chrono::seconds(3);
constexpr auto kRecommitEvery = std::chrono::seconds(5);

Error Unavailable(int32_t partition, PartitionStatus status, const PartitionTable& table) {
  if (table.ChangelogBlocked(partition)) {
    return Error{"unavailable", "partition " + std::to_string(partition) +
                                    " is not served: its changelog cannot be published"};
  }
  return Error{"unavailable", "partition " + std::to_string(partition) + " is " + StatusName(status) +
                                  " on this instance"};
}

}  // namespace

Pipeline::Pipeline(PipelineDeps deps, PipelineOptions options, kafka::ConsumerOptions consumer_options)
    : deps_(deps), options_(std::move(options)), consumer_options_(std::move(consumer_options)) {}

Pipeline::~Pipeline() { Stop(); }

Status Pipeline::Start() {
  auto consumer = kafka::Consumer::Create(consumer_options_, this);
  if (!consumer) return consumer.error();
  consumer_ = std::move(*consumer);
  auto partitions = consumer_->CheckCoPartitioned();
  if (!partitions) return partitions.error();
  if (!options_.changelog_topic.empty()) {
    if (auto s = consumer_->EnsureChangelogTopic(options_.changelog_topic, *partitions); !s) return s.error();
    RestorerOptions ro;
    ro.changelog_topic = options_.changelog_topic;
    ro.properties = consumer_options_.properties;
    ro.broker_timeout = consumer_options_.broker_timeout;
    ro.batch = options_.restore_batch;
    restorer_ = std::make_unique<Restorer>(*deps_.store, *deps_.metrics, *deps_.publisher, ro);
    StartStandby();
  }
  next_sweep_ = SteadyClock::now() + kFirstSweepAfter;
  table_ = std::make_unique<PartitionTable>(*partitions);
  processor_ = std::make_unique<BatchProcessor>(*deps_.store, options_);
  partition_count_ = *partitions;
  if (auto s = consumer_->Subscribe(); !s) return s.error();
  log::Info("pipeline", "consuming", {{"partitions", std::to_string(*partitions)}, {"group", consumer_options_.group_id}});
  thread_ = std::thread([this] { Run(); });
  return OkStatus();
}

void Pipeline::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void Pipeline::Run() {
  while (!stop_) {
    auto batch = consumer_->PollBatch();
    if (!batch.empty()) ProcessBatch(batch);
    if (SteadyClock::now() >= next_housekeeping_) Housekeeping();
  }
  // The batch in hand is done and committed; leaving the group revokes
  // everything through OnRevoked, which commits offsets to the broker.
  consumer_->Close();
  restorer_.reset();  // cancels restores in progress
  standby_.reset();   // checkpoints the standby partitions
  std::lock_guard lock(ready_mu_);
  ready_ = {false, "shutting down"};
}

void Pipeline::ProcessBatch(std::vector<kafka::ConsumedMessage>& batch) {
  std::map<int32_t, std::vector<const kafka::ConsumedMessage*>> by_partition;
  std::set<kafka::TopicPartition> rewound;
  for (const auto& m : batch) {
    if (IsRewound(m)) {
      rewound.insert({m.topic, m.partition});
      continue;
    }
    by_partition[m.partition].push_back(&m);
  }
  for (const auto& tp : rewound) {
    if (auto s = consumer_->Seek(tp, next_offset_[tp]); !s) {
      log::Warn("pipeline", "seek after a rewind", {{"error", s.error().message}});
    }
  }
  // Each partition's share is processed under its mutex, and the mutexes
  // stay held until every share is committed in ONE WriteBatch (one WAL
  // write per poll batch instead of one per partition: the write's fixed
  // cost dominated with ~30 messages per partition). A label therefore
  // still sits between two batches of its partition, never inside one.
  // Locks are taken in ascending partition order (std::map) and nobody
  // else holds two, so this cannot deadlock.
  struct Share {
    int32_t partition;
    PartitionTable::Slot* slot;
    std::unique_lock<std::mutex> lock;
    BatchResult result;
  };
  std::vector<Share> shares;
  shares.reserve(by_partition.size());
  const auto scoring = deps_.scoring->Get();
  const auto now = deps_.clock->NowMicros();
  const int32_t partition_count = partition_count_.load();
  for (const auto& [partition, messages] : by_partition) {
    auto* slot = table_->slot(partition);
    // Messages fetched before a pause (stale partition, failed write) are
    // dropped unprocessed; a seek re-reads them when the partition resumes.
    if (!slot || slot->status.load() != PartitionStatus::kActive || RetryPending(partition)) continue;
    std::unique_lock lock(slot->mu);
    auto result = processor_->Process(partition, messages, *scoring, now, partition_count);
    if (!result) {
      OnWriteFailure(partition, result.error());  // a read failed: this partition alone retries
      continue;
    }
    shares.push_back(Share{partition, slot, std::move(lock), std::move(*result)});
  }
  std::map<kafka::TopicPartition, int64_t> broker_commits;
  if (!shares.empty()) {
    std::vector<const store::PartitionWrite*> writes;
    writes.reserve(shares.size());
    for (const auto& share : shares) writes.push_back(&share.result.write);
    if (auto s = deps_.store->Commit(writes); !s) {
      // Nothing of any share is applied: each partition rewinds and retries.
      for (const auto& share : shares) OnWriteFailure(share.partition, s.error());
    } else {
      const auto committed_at = deps_.clock->NowMicros();
      int64_t outbox = 0;
      for (auto& share : shares) {
        const int32_t partition = share.partition;
        if (write_retry_.erase(partition) > 0) {
          log::Info("pipeline", "store writes succeed again", {{"partition", std::to_string(partition)}});
        }
        BatchProcessor::Record(share.result.outcome, *deps_.metrics, committed_at);
        outbox += static_cast<int64_t>(share.result.write.outbox.size());
        for (const auto& [topic, offset] : share.result.write.next_offsets) {
          next_offset_[{topic, partition}] = offset;
          broker_commits[{topic, partition}] = offset;
        }
        if (share.slot->catching_up.load()) CheckCaughtUp(partition);
      }
      deps_.publisher->Notify(outbox);
    }
  }
  shares.clear();  // releases the partitions' mutexes
  consumer_->Commit(broker_commits, /*sync=*/false);
}

bool Pipeline::RetryPending(int32_t partition) const {
  auto it = write_retry_.find(partition);
  return it != write_retry_.end() && it->second.waiting;
}

bool Pipeline::IsRewound(const kafka::ConsumedMessage& m) {
  // Exactly once by construction: state and next offsets are one write, so
  // a message below the stored next offset is in the state already. Should
  // the fetch position ever go back (it did, when restored partitions were
  // positioned by a seek that lost a race with the fetcher's start), the
  // message is dropped here rather than applied again.
  const kafka::TopicPartition tp{m.topic, m.partition};
  auto it = next_offset_.find(tp);
  if (it == next_offset_.end() || it->second < 0 || m.offset >= it->second) return false;
  // Unless the topic itself went back: it ends below what this state has
  // read (recreated, or a restarted embedded cluster). Its messages are
  // new; processing them moves the next offset down to theirs.
  if (auto high = consumer_->HighWatermark(tp); high && *high < it->second) {
    rewind_log_.Warn("topic_behind:" + tp.topic, "input topic ends below this state's offsets (recreated?); "
                     "reading it from where it is",
                     {{"topic", tp.topic}, {"partition", std::to_string(tp.partition)},
                      {"stored_offset", std::to_string(it->second)}, {"high_watermark", std::to_string(*high)}});
    it->second = m.offset;
    return false;
  }
  deps_.metrics->RestoreRewindEvents(1);
  rewind_log_.Error("rewind:" + tp.topic, "input fetched below the partition's stored offset; dropped, seeking back",
                    {{"topic", tp.topic}, {"partition", std::to_string(tp.partition)},
                     {"expected_offset", std::to_string(it->second)}, {"actual_offset", std::to_string(m.offset)}});
  return true;
}

void Pipeline::OnWriteFailure(int32_t partition, const Error& error) {
  // Nothing of the batch is applied. Stop consuming the partition, rewind it
  // to the stored offsets, and retry after a backoff: nothing lost, nothing
  // counted twice (metrics are recorded only after a durable write).
  deps_.metrics->StoreWriteFailure();
  auto& retry = write_retry_[partition];
  retry.backoff = std::clamp(retry.backoff * 2, options_.write_retry_min, options_.write_retry_max);
  retry.at = SteadyClock::now() + retry.backoff;
  retry.waiting = true;
  log::Error("pipeline", "state write failed; partition paused, will retry",
             {{"partition", std::to_string(partition)}, {"error", error.message},
              {"retry_ms", std::to_string(retry.backoff.count())}});
  const auto tps = TopicPartitionsOf(partition);
  consumer_->Pause(tps);
  for (const auto& tp : tps) {
    if (auto s = consumer_->Seek(tp, next_offset_[tp]); !s) {
      log::Warn("pipeline", "seek after failed write", {{"error", s.error().message}});
    }
  }
}

std::vector<kafka::TopicPartition> Pipeline::TopicPartitionsOf(int32_t partition) const {
  std::vector<kafka::TopicPartition> out;
  for (const auto& [tp, offset] : next_offset_) {
    if (tp.partition == partition) out.push_back(tp);
  }
  return out;
}

std::vector<kafka::StartPosition> Pipeline::OnAssigned(const std::vector<kafka::TopicPartition>& added) {
  ReleaseStandby(added);  // first: one writer per partition
  for (const auto& tp : added) {
    int64_t next = kafka::kOffsetBeginning;  // first sight of a partition: from the beginning
    if (auto s = deps_.store->AddPartition(tp.partition); !s) {
      log::Error("pipeline", "cannot create partition state", {{"error", s.error().message}});
    } else if (auto stored = deps_.store->GetNextOffset(tp.partition, tp.topic); stored && stored->has_value()) {
      next = **stored;
    }
    next_offset_[tp] = next;
    table_->set_status(tp.partition, PartitionStatus::kChecking);
  }
  log::Info("pipeline", "partitions assigned", {{"count", std::to_string(added.size())}});
  CheckOwnership(added, /*from_assignment=*/true);
  // Only partitions whose ownership check passed are assigned to the
  // fetcher now, at their stored offsets. The others are deferred: a
  // restoring partition's start is known only once its restore is done,
  // and a checking one may yet need a restore. Activate assigns them then,
  // at the offsets of that moment (Consumer::Assign says why not a seek).
  std::vector<kafka::StartPosition> starts;
  for (const auto& tp : added) {
    const bool active = table_->status(tp.partition) == PartitionStatus::kActive;
    starts.push_back({next_offset_[tp], backpressure_, /*deferred=*/!active});
  }
  return starts;
}

void Pipeline::CheckOwnership(const std::vector<kafka::TopicPartition>& tps, bool from_assignment) {
  std::set<int32_t> partitions;
  for (const auto& tp : tps) {
    if (table_->status(tp.partition) == PartitionStatus::kChecking) partitions.insert(tp.partition);
  }
  for (int32_t p : partitions) {
    if (options_.changelog_topic.empty()) {
      Activate(p, from_assignment);
      continue;
    }
    const std::string pt = std::to_string(p);
    auto wm = consumer_->QueryWatermarks(options_.changelog_topic, p);
    auto cp = deps_.store->GetChangelogCheckpoint(p);
    auto held = deps_.store->CountOutbox(p, options_.changelog_topic);
    if (!wm || !cp || !held) {
      log::Warn("pipeline", "cannot compare the state with the changelog yet; partition waits",
                {{"partition", pt}, {"error", !wm ? wm.error().message : !cp ? cp.error().message : held.error().message}});
      continue;  // stays kChecking; Housekeeping retries
    }
    const int64_t hi = wm->second;
    const std::string cp_text = cp->has_value() ? std::to_string(**cp) : "none";
    if ((cp->has_value() && **cp == hi) || (!cp->has_value() && hi == 0)) {
      Activate(p, from_assignment);  // nobody wrote the changelog since this state did
      continue;
    }
    if (cp->has_value() && **cp > hi) {
      // The changelog holds less than this state has seen: it was recreated
      // (or the embedded cluster restarted). This state is the newest there
      // is; it counts from the changelog's end from now on.
      log::Warn("pipeline", "changelog is behind this state's checkpoint (topic recreated?); keeping local state",
                {{"partition", pt}, {"checkpoint", cp_text}, {"high_watermark", std::to_string(hi)}});
      if (auto s = deps_.store->DeleteOutbox(p, {}, hi); !s) {
        log::Warn("pipeline", "cannot reset the changelog checkpoint", {{"error", s.error().message}});
        continue;
      }
      Activate(p, from_assignment);
      continue;
    }
    table_->set_status(p, PartitionStatus::kRestoring);
    restore_job_[p] = restorer_->Submit(p, *cp, *held > 0);
    log::Info("pipeline", "partition's changelog has records this state lacks or must check; restoring before serving",
              {{"partition", pt}, {"checkpoint", cp_text}, {"high_watermark", std::to_string(hi)},
               {"undelivered_local_changelog", std::to_string(*held)}});
  }
}

void Pipeline::Activate(int32_t p, bool from_assignment) {
  // Not served until it has processed everything its input held when it
  // became active here (the high watermark now), and at least what the
  // group's previous owner committed. A previous owner answered from state
  // that may be ahead of both its committed offsets and the changelog (a
  // SIGKILL between its write and its commit/publication); every event it
  // had seen was in the input before this moment, so an answer from here
  // never goes back in time. 503 meanwhile; a wrong score is worse.
  const auto tps = TopicPartitionsOf(p);
  std::map<kafka::TopicPartition, int64_t> targets;
  if (auto committed = consumer_->Committed(tps); committed) {
    targets = std::move(*committed);
  } else {
    log::Warn("pipeline", "cannot read the group's committed offsets",
              {{"partition", std::to_string(p)}, {"error", committed.error().message}});
  }
  for (const auto& tp : tps) {
    if (auto w = consumer_->QueryWatermarks(tp.topic, tp.partition); w) {
      targets[tp] = std::max(targets[tp], w->second);
    } else {
      log::Warn("pipeline", "cannot read the input's high watermark; catching up to the committed offsets only",
                {{"partition", std::to_string(p)}, {"error", w.error().message}});
    }
  }
  bool behind = false;
  for (const auto& tp : tps) {
    auto it = targets.find(tp);
    if (it != targets.end() && std::max<int64_t>(next_offset_[tp], 0) < it->second) {
      catch_up_to_[tp] = it->second;
      behind = true;
    }
  }
  if (auto* slot = table_->slot(p)) slot->catching_up = behind;
  if (behind) {
    log::Info("pipeline", "partition catching up to its input's end before serving",
              {{"partition", std::to_string(p)}});
  }
  table_->set_status(p, PartitionStatus::kActive);
  deps_.publisher->OpenChangelog(p);
  if (from_assignment) return;  // OnAssigned's start positions assign it
  std::map<kafka::TopicPartition, int64_t> positions;
  for (const auto& tp : TopicPartitionsOf(p)) positions[tp] = next_offset_[tp];
  if (auto s = consumer_->Assign(positions, backpressure_); !s) {
    log::Error("pipeline", "cannot assign an activated partition to the fetcher",
               {{"partition", std::to_string(p)}, {"error", s.error().message}});
  }
}

void Pipeline::CheckCaughtUp(int32_t p) {
  auto* slot = table_->slot(p);
  if (!slot || !slot->catching_up.load()) return;
  for (auto it = catch_up_to_.begin(); it != catch_up_to_.end();) {
    if (it->first.partition == p && next_offset_[it->first] >= it->second) {
      it = catch_up_to_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [tp, target] : catch_up_to_) {
    if (tp.partition == p) return;
  }
  slot->catching_up = false;
  log::Info("pipeline", "partition caught up; serving it", {{"partition", std::to_string(p)}});
}

void Pipeline::OnRestoreFinished(const RestoreResult& r) {
  auto it = restore_job_.find(r.partition);
  if (it == restore_job_.end() || it->second != r.job) return;  // revoked meanwhile
  restore_job_.erase(it);
  const std::string pt = std::to_string(r.partition);
  switch (r.outcome) {
    case RestoreOutcome::kCurrent:
    case RestoreOutcome::kRestored: {
      // Processing starts where the restored state ends: the input offsets
      // of the last offsets record read (events after it that the state
      // already holds are dropped by event-id dedupe). The partition was
      // deferred at assignment; Activate assigns it at these offsets.
      for (const auto& tp : TopicPartitionsOf(r.partition)) {
        int64_t next = kafka::kOffsetBeginning;
        if (auto stored = deps_.store->GetNextOffset(tp.partition, tp.topic); stored && stored->has_value()) {
          next = **stored;
        }
        next_offset_[tp] = next;
      }
      Activate(r.partition, /*from_assignment=*/false);
      log::Info("pipeline", "partition restored; processing and serving it",
                {{"partition", pt}, {"outcome", OutcomeName(r.outcome)}, {"accounts", std::to_string(r.accounts)}});
      break;
    }
    case RestoreOutcome::kCancelled: break;
    case RestoreOutcome::kFailed:
      log::Warn("pipeline", "restore failed; will try again", {{"partition", pt}, {"error", r.error}});
      table_->set_status(r.partition, PartitionStatus::kChecking);  // rechecked every 2 s
      break;
    case RestoreOutcome::kImpossible:
      log::Error("pipeline", "partition assigned without its state and it cannot be restored; refusing it",
                 {{"partition", pt}, {"error", r.error}});
      table_->set_status(r.partition, PartitionStatus::kStale);
      break;
  }
}

void Pipeline::HandOver(const std::set<int32_t>& partitions) {
  if (options_.changelog_topic.empty()) return;
  const auto deadline = SteadyClock::now() + kHandOverWait;
  for (int32_t p : partitions) {
    while (SteadyClock::now() < deadline) {
      auto n = deps_.store->CountOutbox(p, options_.changelog_topic);
      if (!n || *n == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  for (int32_t p : partitions) deps_.publisher->CloseChangelog(p);
}

void Pipeline::OnRevoked(const std::vector<kafka::TopicPartition>& revoked, bool lost) {
  std::map<kafka::TopicPartition, int64_t> commits;
  std::set<int32_t> partitions;
  for (const auto& tp : revoked) {
    auto it = next_offset_.find(tp);
    if (it != next_offset_.end() && it->second >= 0 && table_->status(tp.partition) == PartitionStatus::kActive) {
      commits[tp] = it->second;
    }
    if (it != next_offset_.end()) next_offset_.erase(it);
    partitions.insert(tp.partition);
    deps_.metrics->RemoveConsumerLag(tp.topic, tp.partition);
  }
  // For lag monitoring (ownership is decided by the changelog).
  if (!lost) consumer_->Commit(commits, /*sync=*/true);
  std::set<int32_t> gone, hand_over;
  for (int32_t p : partitions) {
    if (!TopicPartitionsOf(p).empty()) continue;  // another topic of it is still ours
    gone.insert(p);
    write_retry_.erase(p);
    if (restorer_) restorer_->Cancel(p);
    restore_job_.erase(p);
    std::erase_if(catch_up_to_, [p](const auto& entry) { return entry.first.partition == p; });
    if (auto* slot = table_->slot(p)) {
      std::lock_guard lock(slot->mu);  // waits for a label in flight
      if (slot->status.load() == PartitionStatus::kActive) hand_over.insert(p);
      slot->status = PartitionStatus::kNotOwned;
      slot->catching_up = false;
      slot->changelog_blocked = false;
    }
  }
  // A clean revoke publishes the partitions' changelog backlog first (a
  // lost one does not: another member may own them already).
  if (!lost) HandOver(hand_over);
  for (int32_t p : gone) deps_.publisher->CloseChangelog(p);
  log::Info("pipeline", lost ? "partitions lost" : "partitions revoked", {{"count", std::to_string(revoked.size())}});
}

void Pipeline::Housekeeping() {
  processor_->TickLogs();
  rewind_log_.Tick();
  const auto now = SteadyClock::now();
  next_housekeeping_ = now + kHousekeepingEvery;

  // Partitions whose failed write waited long enough: try again.
  for (auto& [p, retry] : write_retry_) {
    if (retry.waiting && retry.at <= now) {
      retry.waiting = false;  // resumed; the backoff stays until a write succeeds
      if (!backpressure_) consumer_->Resume(TopicPartitionsOf(p));
    }
  }
  // Restores that ended.
  if (restorer_) {
    for (const auto& r : restorer_->TakeFinished()) OnRestoreFinished(r);
  }
  ReconcileStandby();
  // Ownership checks that could not reach the broker.
  if (now >= next_ownership_check_) {
    next_ownership_check_ = now + kOwnershipRecheckEvery;
    std::vector<kafka::TopicPartition> checking;
    for (int32_t p : table_->With(PartitionStatus::kChecking)) {
      for (const auto& tp : TopicPartitionsOf(p)) checking.push_back(tp);
    }
    if (!checking.empty()) CheckOwnership(checking, /*from_assignment=*/false);
  }
  // The durable offsets to the broker again: a failed async commit (e.g.
  // "rebalance in progress" while the group rebalances) is not retried, and
  // a partition that stays quiet afterwards would keep a stale committed
  // offset for good: phantom lag for the group's monitoring, and a lower
  // floor for the next owner's catch-up (see Activate).
  if (now >= next_recommit_) {
    next_recommit_ = now + kRecommitEvery;
    std::map<kafka::TopicPartition, int64_t> commits;
    for (const auto& [tp, next] : next_offset_) {
      const auto* slot = table_->slot(tp.partition);
      // Not while catching up: that would move the group's offset back.
      if (next >= 0 && slot && slot->status.load() == PartitionStatus::kActive && !slot->catching_up.load()) {
        commits[tp] = next;
      }
    }
    consumer_->Commit(commits, /*sync=*/false);
  }
  // Backpressure: the outbox waits for the broker; stop reading input.
  const int64_t unpublished = deps_.publisher->Unpublished();
  std::vector<kafka::TopicPartition> active;
  for (int32_t p : table_->With(PartitionStatus::kActive)) {
    if (RetryPending(p)) continue;
    for (const auto& tp : TopicPartitionsOf(p)) active.push_back(tp);
  }
  if (!backpressure_ && unpublished > options_.max_unpublished_outbox) {
    backpressure_ = true;
    consumer_->Pause(active);
    log::Warn("pipeline", "outbox backlog; pausing input", {{"unpublished", std::to_string(unpublished)}});
  } else if (backpressure_ && unpublished < options_.max_unpublished_outbox / 2) {
    backpressure_ = false;
    consumer_->Resume(active);
    log::Info("pipeline", "outbox drained; resuming input");
  }

  // Consumer lag (from the fetcher's cached high watermarks) and readiness.
  int64_t max_lag = 0;
  bool lag_known = true;
  for (const auto& [tp, next] : next_offset_) {
    if (table_->status(tp.partition) != PartitionStatus::kActive) continue;
    auto hw = consumer_->HighWatermark(tp);
    if (!hw) {
      lag_known = false;
      continue;
    }
    // riskd_consumer_lag_messages comes from librdkafka's statistics
    // (daemon/app/telemetry.h); readiness uses riskd's own durable offsets.
    const int64_t lag = std::max<int64_t>(0, *hw - std::max<int64_t>(next, 0));
    max_lag = std::max(max_lag, lag);
  }
  // Changelogs stopped at a record that cannot be published: a handoff
  // would revert the partition's accounts to older state, so it is not
  // served (Publisher, "never dropped").
  std::string blocked;
  for (const auto& [p, reason] : deps_.publisher->BlockedChangelogs()) {
    auto* slot = table_->slot(p);
    if (!slot || slot->status.load() != PartitionStatus::kActive) continue;
    if (!slot->changelog_blocked.exchange(true)) {
      log::Error("pipeline", "partition not served: its changelog cannot be published",
                 {{"partition", std::to_string(p)}, {"reason", reason}});
    }
    if (blocked.empty()) blocked = "partition " + std::to_string(p) + " not served: a changelog record cannot be published (" + reason + ")";
  }
  PipelineReadiness r{true, "ok"};
  const auto stale = table_->With(PartitionStatus::kStale);
  const auto checking = table_->With(PartitionStatus::kChecking);
  const auto restoring = table_->With(PartitionStatus::kRestoring);
  if (!write_retry_.empty()) {
    r = {false, "state writes failing; retrying"};
  } else if (!blocked.empty()) {
    r = {false, blocked};
  } else if (!stale.empty()) {
    r = {false, "partition " + std::to_string(stale.front()) +
                    " assigned without its state and not restorable from the changelog (stale); refusing it"};
  } else if (!restoring.empty()) {
    std::string names;
    for (int32_t p : restoring) names += (names.empty() ? "" : ", ") + std::to_string(p);
    r = {false, "restoring partition(s) " + names + " from the changelog"};
  } else if (!checking.empty()) {
    r = {false, "checking ownership of partition " + std::to_string(checking.front())};
  } else if (!catch_up_to_.empty()) {
    r = {false, "partition " + std::to_string(catch_up_to_.begin()->first.partition) +
                    " catching up to the previous owner's offsets"};
  } else if (table_->With(PartitionStatus::kActive).empty()) {
    r = {false, "no partitions assigned"};
  } else if (!lag_known) {
    r = {false, "catching up (lag not known yet)"};
  } else if (max_lag > options_.readiness_max_lag_messages) {
    r = {false, "catching up: lag " + std::to_string(max_lag) + " messages"};
  }
  {
    std::lock_guard lock(ready_mu_);
    ready_ = std::move(r);
  }

  if (now >= next_sweep_) {
    next_sweep_ = now + options_.sweep_every;
    SweepAgedOut();
  }
}

std::vector<PartitionStatus> Pipeline::PartitionStatuses() const {
  if (partition_count_.load() == 0) return {};  // table_ is set before the count
  return table_->Statuses();
}

void Pipeline::SweepAgedOut() {
  // Accounts idle past the longest window are deleted through the normal
  // commit path, so their changelog tombstones go out with the outbox (the
  // store's compaction filter stays as a backstop).
  const auto now = deps_.clock->NowMicros();
  for (int32_t p : table_->With(PartitionStatus::kActive)) {
    if (RetryPending(p)) continue;
    std::vector<std::string> candidates;
    auto s = deps_.store->ForEachAccount(p, [&](std::string_view id, const store::AccountRecord& record) {
      if (options_.max_idle > 0 && now - record.last_event_micros > options_.max_idle) candidates.emplace_back(id);
    });
    if (!s || candidates.empty()) continue;
    auto* slot = table_->slot(p);
    std::lock_guard lock(slot->mu);
    if (slot->status.load() != PartitionStatus::kActive) continue;
    auto result = processor_->Sweep(p, candidates, now);
    if (!result) continue;
    if (auto c = deps_.store->Commit(result->write); !c) {
      deps_.metrics->StoreWriteFailure();
      log::Warn("pipeline", "age-out sweep write failed; next sweep retries", {{"error", c.error().message}});
      continue;
    }
    deps_.publisher->Notify(static_cast<int64_t>(result->write.outbox.size()));
    log::Info("pipeline", "aged-out accounts deleted", {{"partition", std::to_string(p)},
                                                        {"accounts", std::to_string(result->write.deleted_accounts.size())}});
  }
}

PipelineReadiness Pipeline::Ready() const {
  std::lock_guard lock(ready_mu_);
  return ready_;
}

Result<int32_t> Pipeline::ResolvePartition(std::string_view account_id, bool* found) {
  *found = false;
  const int32_t count = partition_count_.load();
  if (count == 0) return Error{"unavailable", "not consuming yet"};
  const int32_t p = kafka::PartitionForKey(options_.partitioner, account_id, count);
  const bool serving = table_->Serving(p);
  if (serving) {
    auto record = deps_.store->GetAccount(p, account_id);
    if (!record) return record.error();
    if (record->has_value()) {
      *found = true;
      return p;
    }
  }
  // Producers that partition differently (kafka.partitioner not matching):
  // the account may sit in another partition this instance serves.
  for (int32_t q : table_->With(PartitionStatus::kActive)) {
    if (q == p || !table_->Serving(q)) continue;
    auto record = deps_.store->GetAccount(q, account_id);
    if (record && record->has_value()) {
      *found = true;
      return q;
    }
  }
  if (serving) return p;  // never seen; its partition is ours
  return Unavailable(p, table_->Statuses()[p], *table_);
}

Result<std::optional<scoring::AccountState>> Pipeline::ReadAccount(std::string_view account_id) {
  bool found = false;
  auto p = ResolvePartition(account_id, &found);
  if (!p) return p.error();
  if (!found) return std::optional<scoring::AccountState>();
  // One Get: one committed version of the account.
  auto record = deps_.store->GetAccount(*p, account_id);
  if (!record) return record.error();
  if (!record->has_value()) return std::optional<scoring::AccountState>();
  auto state = scoring::AccountState::Parse((*record)->state);
  if (!state) return state.error();
  return std::optional<scoring::AccountState>(std::move(*state));
}

Result<std::optional<scoring::AccountState>> Pipeline::ReadShadowAccount(std::string_view account_id,
                                                                         std::string_view shadow_version) {
  bool found = false;
  auto p = ResolvePartition(account_id, &found);
  if (!p) return p.error();
  if (!found) return std::optional<scoring::AccountState>();
  auto record = deps_.store->GetShadowAccount(*p, account_id);
  if (!record) return record.error();
  // Another candidate's state is no use to this one (BatchProcessor seeds a
  // new one from the live state on the account's next event).
  if (!record->has_value() || (*record)->config_version != shadow_version) {
    return std::optional<scoring::AccountState>();
  }
  auto state = scoring::AccountState::Parse((*record)->state);
  if (!state) return state.error();
  return std::optional<scoring::AccountState>(std::move(*state));
}

Result<scoring::EpochMicros> Pipeline::ApplyLabel(std::string_view account_id, scoring::Label label,
                                                  std::string_view note) {
  bool found = false;
  auto p = ResolvePartition(account_id, &found);
  if (!p) return p.error();
  auto* slot = table_->slot(*p);
  std::lock_guard lock(slot->mu);
  if (!table_->Serving(*p)) return Unavailable(*p, table_->Statuses()[*p], *table_);
  const auto now = deps_.clock->NowMicros();
  // A synthetic, unique event id: labels sit in event-time order like events.
  const std::string id = "label-" + std::to_string(now) + "-" + std::to_string(label_seq_.fetch_add(1));
  const auto scoring = deps_.scoring->Get();
  BatchProcessor processor(*deps_.store, options_);
  auto result = processor.ProcessLabel(*p, std::string(account_id),
                                       scoring::LabelEvent(id, now, label, std::string(note)), *scoring);
  if (!result) return result.error();
  if (auto s = deps_.store->Commit(result->write); !s) {
    deps_.metrics->StoreWriteFailure();
    return s.error();
  }
  BatchProcessor::Record(result->outcome, *deps_.metrics, now);
  deps_.publisher->Notify(static_cast<int64_t>(result->write.outbox.size()));
  return now;
}

}  // namespace riskd::pipeline
