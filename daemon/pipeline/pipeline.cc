#include "daemon/pipeline/pipeline.h"

#include <algorithm>

#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"

namespace riskd::pipeline {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kHousekeepingEvery = std::chrono::milliseconds(200);
constexpr auto kStatsEvery = std::chrono::seconds(10);
constexpr auto kOwnershipRecheckEvery = std::chrono::seconds(2);

Error Unavailable(int32_t partition, PartitionStatus status) {
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
  std::lock_guard lock(ready_mu_);
  ready_ = {false, "shutting down"};
}

void Pipeline::ProcessBatch(std::vector<kafka::ConsumedMessage>& batch) {
  std::map<int32_t, std::vector<const kafka::ConsumedMessage*>> by_partition;
  for (const auto& m : batch) by_partition[m.partition].push_back(&m);
  std::map<kafka::TopicPartition, int64_t> broker_commits;
  for (const auto& [partition, messages] : by_partition) {
    ProcessPartition(partition, messages, broker_commits);
  }
  consumer_->Commit(broker_commits, /*sync=*/false);
}

void Pipeline::ProcessPartition(int32_t partition, const std::vector<const kafka::ConsumedMessage*>& messages,
                                std::map<kafka::TopicPartition, int64_t>& broker_commits) {
  auto* slot = table_->slot(partition);
  // Messages fetched before a pause (stale partition, failed write) are
  // dropped unprocessed; a seek re-reads them when the partition resumes.
  if (!slot || slot->status.load() != PartitionStatus::kActive || RetryPending(partition)) return;
  std::lock_guard lock(slot->mu);
  const auto scoring = deps_.scoring->Get();
  const auto now = deps_.clock->NowMicros();
  auto result = processor_->Process(partition, messages, *scoring, now);
  if (!result) return OnWriteFailure(partition, result.error());
  if (auto s = deps_.store->Commit(result->write); !s) return OnWriteFailure(partition, s.error());
  if (write_retry_.erase(partition) > 0) log::Info("pipeline", "store writes succeed again", {{"partition", std::to_string(partition)}});
  BatchProcessor::Record(result->outcome, *deps_.metrics, deps_.clock->NowMicros());
  deps_.publisher->Notify(static_cast<int64_t>(result->write.outbox.size()));
  for (const auto& [topic, offset] : result->write.next_offsets) {
    next_offset_[{topic, partition}] = offset;
    broker_commits[{topic, partition}] = offset;
  }
}

bool Pipeline::RetryPending(int32_t partition) const {
  auto it = write_retry_.find(partition);
  return it != write_retry_.end() && it->second.waiting;
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
  CheckOwnership(added, /*resume=*/false);
  // Only partitions whose ownership check passed are fetched; the others
  // start paused (stale: for good; checking: until the broker answers).
  std::vector<kafka::StartPosition> starts;
  for (const auto& tp : added) {
    const bool active = table_->status(tp.partition) == PartitionStatus::kActive;
    starts.push_back({next_offset_[tp], !active || backpressure_});
  }
  return starts;
}

void Pipeline::CheckOwnership(const std::vector<kafka::TopicPartition>& tps, bool resume) {
  auto committed = consumer_->Committed(tps);
  if (!committed) {
    log::Warn("pipeline", "cannot read the group's committed offsets; partitions wait",
              {{"error", committed.error().message}});
    return;  // stays kChecking; Housekeeping retries
  }
  std::set<int32_t> partitions, stale;
  for (const auto& tp : tps) {
    partitions.insert(tp.partition);
    auto it = committed->find(tp);
    if (it == committed->end()) continue;
    auto stored = deps_.store->GetNextOffset(tp.partition, tp.topic);
    if (!stored || !stored->has_value() || **stored < it->second) {
      stale.insert(tp.partition);
      log::Error("pipeline",
                 "partition assigned without its state: the group committed past this instance's offsets; "
                 "refusing to process or serve it",
                 {{"topic", tp.topic}, {"partition", std::to_string(tp.partition)},
                  {"committed", std::to_string(it->second)},
                  {"stored", stored && stored->has_value() ? std::to_string(**stored) : "none"}});
    }
  }
  for (int32_t p : partitions) {
    auto* slot = table_->slot(p);
    if (!slot) continue;
    if (stale.count(p)) {
      table_->set_status(p, PartitionStatus::kStale);
    } else if (slot->status.load() == PartitionStatus::kChecking) {
      table_->set_status(p, PartitionStatus::kActive);
      if (resume && !backpressure_) consumer_->Resume(TopicPartitionsOf(p));
    }
  }
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
  // Tell the next owner how far this instance's state goes.
  if (!lost) consumer_->Commit(commits, /*sync=*/true);
  for (int32_t p : partitions) {
    if (!TopicPartitionsOf(p).empty()) continue;  // another topic of it is still ours
    write_retry_.erase(p);
    if (auto* slot = table_->slot(p)) {
      std::lock_guard lock(slot->mu);  // waits for a label in flight
      slot->status = PartitionStatus::kNotOwned;
    }
  }
  log::Info("pipeline", lost ? "partitions lost" : "partitions revoked", {{"count", std::to_string(revoked.size())}});
}

void Pipeline::Housekeeping() {
  const auto now = SteadyClock::now();
  next_housekeeping_ = now + kHousekeepingEvery;

  // Partitions whose failed write waited long enough: try again.
  for (auto& [p, retry] : write_retry_) {
    if (retry.waiting && retry.at <= now) {
      retry.waiting = false;  // resumed; the backoff stays until a write succeeds
      if (!backpressure_) consumer_->Resume(TopicPartitionsOf(p));
    }
  }
  // Ownership checks that could not reach the broker.
  if (now >= next_ownership_check_) {
    next_ownership_check_ = now + kOwnershipRecheckEvery;
    std::vector<kafka::TopicPartition> checking;
    for (int32_t p : table_->With(PartitionStatus::kChecking)) {
      for (const auto& tp : TopicPartitionsOf(p)) checking.push_back(tp);
    }
    if (!checking.empty()) CheckOwnership(checking, /*resume=*/true);
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
    const int64_t lag = std::max<int64_t>(0, *hw - std::max<int64_t>(next, 0));
    deps_.metrics->SetConsumerLag(tp.topic, tp.partition, lag);
    max_lag = std::max(max_lag, lag);
  }
  PipelineReadiness r{true, "ok"};
  const auto stale = table_->With(PartitionStatus::kStale);
  const auto checking = table_->With(PartitionStatus::kChecking);
  if (!write_retry_.empty()) {
    r = {false, "state writes failing; retrying"};
  } else if (!stale.empty()) {
    r = {false, "partition " + std::to_string(stale.front()) + " assigned without its state (stale); refusing it"};
  } else if (!checking.empty()) {
    r = {false, "checking ownership of partition " + std::to_string(checking.front())};
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

  if (now >= next_stats_) {
    next_stats_ = now + kStatsEvery;
    const auto stats = deps_.store->Stats();
    deps_.metrics->SetAccounts(stats.accounts);
    deps_.metrics->SetStateBytes(stats.state_bytes);
  }
}

std::vector<PartitionStatus> Pipeline::PartitionStatuses() const {
  if (partition_count_.load() == 0) return {};  // table_ is set before the count
  return table_->Statuses();
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
  const auto status = table_->status(p);
  if (status == PartitionStatus::kActive) {
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
    if (q == p) continue;
    auto record = deps_.store->GetAccount(q, account_id);
    if (record && record->has_value()) {
      *found = true;
      return q;
    }
  }
  if (status == PartitionStatus::kActive) return p;  // never seen; its partition is ours
  return Unavailable(p, status);
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

Result<scoring::EpochMicros> Pipeline::ApplyLabel(std::string_view account_id, scoring::Label label,
                                                  std::string_view note) {
  bool found = false;
  auto p = ResolvePartition(account_id, &found);
  if (!p) return p.error();
  auto* slot = table_->slot(*p);
  std::lock_guard lock(slot->mu);
  if (slot->status.load() != PartitionStatus::kActive) return Unavailable(*p, slot->status.load());
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
