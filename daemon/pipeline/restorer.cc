#include "daemon/pipeline/restorer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "daemon/kafka/message.h"
#include "daemon/kafka/partition_reader.h"
#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"
#include "daemon/pipeline/fencing.h"
#include "daemon/pipeline/publisher.h"
#include "daemon/store/changelog.h"

namespace riskd::pipeline {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kProgressLogEvery = std::chrono::seconds(5);

}  // namespace

const char* OutcomeName(RestoreOutcome outcome) {
  switch (outcome) {
    case RestoreOutcome::kCurrent: return "current";
    case RestoreOutcome::kRestored: return "restored";
    case RestoreOutcome::kCancelled: return "cancelled";
    case RestoreOutcome::kFailed: return "failed";
    case RestoreOutcome::kImpossible: return "impossible";
  }
  return "unknown";
}

Restorer::Restorer(store::StateStore& store, metrics::Metrics& metrics, Publisher& publisher,
                   RestorerOptions options)
    : store_(store), metrics_(metrics), publisher_(publisher), options_(std::move(options)) {
  thread_ = std::thread([this] { Run(); });
}

Restorer::~Restorer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& job : queue_) job.cancelled->store(true);
    if (running_) running_->cancelled->store(true);
  }
  cv_.notify_all();
  thread_.join();
}

uint64_t Restorer::Submit(int32_t partition, std::optional<int64_t> from, bool held) {
  std::lock_guard lock(mu_);
  Job job{next_id_++, partition, from, held, std::make_shared<std::atomic<bool>>(false)};
  queue_.push_back(job);
  cv_.notify_all();
  return job.id;
}

void Restorer::Cancel(int32_t partition) {
  std::lock_guard lock(mu_);
  for (auto& job : queue_) {
    if (job.partition == partition) job.cancelled->store(true);
  }
  if (running_ && running_->partition == partition) running_->cancelled->store(true);
}

bool Restorer::Busy(int32_t partition) {
  std::lock_guard lock(mu_);
  if (running_ && running_->partition == partition) return true;
  return std::any_of(queue_.begin(), queue_.end(), [&](const Job& job) { return job.partition == partition; });
}

std::vector<RestoreResult> Restorer::TakeFinished() {
  std::lock_guard lock(mu_);
  return std::exchange(finished_, {});
}

void Restorer::Run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = queue_.front();
      queue_.pop_front();
      running_ = job;
    }
    RestoreResult r;
    if (job.cancelled->load()) {
      r.partition = job.partition;
      r.job = job.id;
      r.outcome = RestoreOutcome::kCancelled;
    } else {
      r = Execute(job);
    }
    metrics_.RemoveRestoreRemaining(job.partition);
    metrics_.RestoreRecords(r.records);
    std::lock_guard lock(mu_);
    running_.reset();
    finished_.push_back(std::move(r));
  }
}

RestoreResult Restorer::Execute(const Job& job) {
  RestoreResult r;
  r.partition = job.partition;
  r.job = job.id;
  const int32_t p = job.partition;
  const std::string& topic = options_.changelog_topic;
  const std::string partition_text = std::to_string(p);
  const auto started = SteadyClock::now();
  auto fail = [&](RestoreOutcome outcome, std::string error) {
    r.outcome = outcome;
    r.error = std::move(error);
    r.seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
    return r;
  };
  auto open = [&](int64_t offset) {
    return kafka::PartitionReader::Create(options_.properties, topic, p, offset, options_.broker_timeout);
  };

  bool full = !job.from.has_value();
  auto reader = open(full ? kafka::kOffsetBeginning : *job.from);
  if (!reader) return fail(RestoreOutcome::kFailed, reader.error().message);
  auto wm = (*reader)->Watermarks();
  if (!wm) return fail(RestoreOutcome::kFailed, wm.error().message);
  const auto [lo, hi] = *wm;
  auto gone = [&](int64_t needed) {
    return "changelog " + topic + " [" + partition_text + "] starts at offset " + std::to_string(lo) +
           " but the restore needs offset " + std::to_string(needed) +
           ": records were deleted (retention, or the embedded mock cluster's 5 MiB per partition); "
           "this partition cannot be restored and is refused";
  };
  if (full && lo > 0) return fail(RestoreOutcome::kImpossible, gone(0));
  if (!full && *job.from < lo) return fail(RestoreOutcome::kImpossible, gone(*job.from));

  auto begin_full = [&]() -> Status {
    auto held = store_.CountOutbox(p, topic);
    if (!held) return held.error();
    if (auto s = store_.BeginFullRestore(p, topic); !s) return s;
    publisher_.Dropped(*held);
    return OkStatus();
  };
  if (full) {
    if (auto s = begin_full(); !s) return fail(RestoreOutcome::kFailed, s.error().message);
  }
  log::Info("restore", full ? "restoring partition from the beginning of the changelog"
                            : "checking the changelog after this state's checkpoint",
            {{"partition", partition_text}, {"from", full ? "beginning" : std::to_string(*job.from)},
             {"to", std::to_string(hi)}});

  // Fencing: the newest ownership epoch applied; from the state's own when
  // it resumes from its checkpoint.
  int64_t newest = 0;
  if (!full) {
    auto stored = store_.GetChangelogEpoch(p);
    if (!stored) return fail(RestoreOutcome::kFailed, stored.error().message);
    newest = stored->value_or(0);
  }
  int64_t fenced = 0;
  bool verifying = !full;  // still only our own records since the checkpoint
  std::optional<store::changelog::Offsets> offsets;
  std::vector<store::RestoreOp> ops;
  int64_t next = full ? lo : *job.from;
  int64_t skipped = 0;
  auto last_read = SteadyClock::now();
  auto next_log = SteadyClock::now() + kProgressLogEvery;
  bool done = next >= hi;
  while (!done) {
    if (job.cancelled->load()) return fail(RestoreOutcome::kCancelled, "partition revoked");
    bool eof = false;
    auto messages = (*reader)->Poll(options_.batch, std::chrono::milliseconds(500), &eof);
    const auto now = SteadyClock::now();
    if (messages.empty()) {
      if (eof) break;  // the end of the log, which is at or past `hi`
      if (now - last_read > options_.stall_timeout) {
        return fail(RestoreOutcome::kFailed, "no changelog records for " +
                                                 std::to_string(options_.stall_timeout.count()) + " ms");
      }
      continue;
    }
    last_read = now;
    bool restart_full = false;
    for (const auto& m : messages) {
      if (m.offset >= hi) {
        done = true;
        break;
      }
      next = m.offset + 1;
      ++r.records;
      auto rec = store::changelog::Classify(m.key, m.null_value, m.value, m.headers);
      if (!rec) {
        ++skipped;
        continue;
      }
      const auto fence = Fence(newest, rec->kind == store::changelog::Record::Kind::kClaim, rec->epoch, m.offset);
      newest = fence.newest;
      if (fence.verdict != FenceVerdict::kApply) {
        // A previous owner's record that landed after a newer owner's, or a
        // claim that lost: not part of the partition's state, whoever wrote it.
        metrics_.ChangelogFenced(fence.verdict == FenceVerdict::kInvalidClaim);
        ++fenced;
        continue;
      }
      if (verifying) {
        if (rec->writer == store_.writer_id()) continue;  // local state holds it already
        verifying = false;
        log::Info("restore", "another instance wrote this partition's changelog; restoring",
                  {{"partition", partition_text}, {"at", std::to_string(m.offset)},
                   {"mode", job.held ? "from the beginning (undelivered local changes)" : "from the checkpoint"}});
        if (job.held) {
          restart_full = true;
          break;
        }
      }
      switch (rec->kind) {
        case store::changelog::Record::Kind::kOffsets: offsets = std::move(rec->offsets); break;
        case store::changelog::Record::Kind::kAccount:
          ops.push_back({std::move(rec->key), std::move(rec->value)});
          ++r.accounts;
          break;
        case store::changelog::Record::Kind::kTombstone:
          ops.push_back({std::move(rec->key), std::nullopt});
          ++r.accounts;
          break;
        case store::changelog::Record::Kind::kClaim: break;  // its epoch is all it holds
      }
    }
    if (restart_full) {
      if (lo > 0) return fail(RestoreOutcome::kImpossible, gone(0));
      if (auto s = begin_full(); !s) return fail(RestoreOutcome::kFailed, s.error().message);
      reader = open(kafka::kOffsetBeginning);
      if (!reader) return fail(RestoreOutcome::kFailed, reader.error().message);
      full = true;
      next = lo;
      r.records = r.accounts = 0;
      newest = 0;
      offsets.reset();
      continue;
    }
    if (!ops.empty() && (ops.size() >= options_.batch || done || eof)) {
      if (auto s = store_.ApplyRestoreBatch(p, ops); !s) return fail(RestoreOutcome::kFailed, s.error().message);
      ops.clear();
    }
    if (next >= hi) done = true;
    if (eof) done = true;
    metrics_.SetRestoreRemaining(p, std::max<int64_t>(0, hi - next));
    if (now >= next_log) {
      next_log = now + kProgressLogEvery;
      log::Info("restore", "restoring", {{"partition", partition_text}, {"remaining", std::to_string(hi - next)},
                                         {"accounts", std::to_string(r.accounts)}});
    }
  }
  if (job.cancelled->load()) return fail(RestoreOutcome::kCancelled, "partition revoked");
  if (!ops.empty()) {
    if (auto s = store_.ApplyRestoreBatch(p, ops); !s) return fail(RestoreOutcome::kFailed, s.error().message);
  }
  if (fenced > 0) {
    log::Warn("restore", "changelog records of an older ownership epoch were dropped (fenced)",
              {{"partition", partition_text}, {"fenced", std::to_string(fenced)}});
  }
  if (skipped > 0) {
    log::Warn("restore", "changelog records riskd did not write were skipped",
              {{"partition", partition_text}, {"skipped", std::to_string(skipped)}});
  }
  r.seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  if (verifying) {
    // Every record since the checkpoint was ours: local state is current.
    if (auto s = store_.DeleteOutbox(p, {}, hi); !s) return fail(RestoreOutcome::kFailed, s.error().message);
    r.outcome = RestoreOutcome::kCurrent;
    log::Info("restore", "local state is current (the changelog since its checkpoint is its own)",
              {{"partition", partition_text}, {"records", std::to_string(r.records)}});
    return r;
  }
  auto held = store_.CountOutbox(p, topic);
  if (!held) return fail(RestoreOutcome::kFailed, held.error().message);
  if (auto s = store_.FinishRestore(p, offsets, hi, topic, newest); !s) {
    return fail(RestoreOutcome::kFailed, s.error().message);
  }
  publisher_.Dropped(*held);
  r.seconds = std::chrono::duration<double>(SteadyClock::now() - started).count();
  r.outcome = RestoreOutcome::kRestored;
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.0f", r.seconds > 0 ? static_cast<double>(r.accounts) / r.seconds : 0.0);
  char secs[32];
  std::snprintf(secs, sizeof secs, "%.3f", r.seconds);
  log::Info("restore", "partition restored",
            {{"partition", partition_text}, {"records", std::to_string(r.records)},
             {"accounts", std::to_string(r.accounts)}, {"seconds", secs}, {"accounts_per_second", rate},
             {"offsets", offsets ? store::changelog::EncodeOffsets(*offsets) : "kept"}});
  return r;
}

}  // namespace riskd::pipeline
