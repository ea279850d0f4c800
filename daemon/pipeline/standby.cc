#include "daemon/pipeline/standby.h"

#include <algorithm>

#include "daemon/kafka/assigned_reader.h"
#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"
#include "daemon/pipeline/fencing.h"
#include "daemon/pipeline/publisher.h"

namespace riskd::pipeline {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kPollWait = std::chrono::milliseconds(100);  // also how soon a Release is seen
constexpr auto kIdleWait = std::chrono::milliseconds(200);
// Records that are gone do not come back soon: ask the broker again rarely.
constexpr int kGoneRetryFactor = 12;

}  // namespace

StandbyFollower::StandbyFollower(store::StateStore& store, metrics::Metrics& metrics, Publisher& publisher,
                                 StandbyOptions options)
    : store_(store), metrics_(metrics), publisher_(publisher), options_(std::move(options)) {
  metrics_.SetStandbyPartitions(0);
  thread_ = std::thread([this] { Run(); });
}

StandbyFollower::~StandbyFollower() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void StandbyFollower::Want(const std::set<int32_t>& partitions) {
  {
    std::lock_guard lock(mu_);
    if (wanted_ == partitions) return;
    wanted_ = partitions;
    ++wanted_version_;
  }
  cv_.notify_all();
}

void StandbyFollower::Release(int32_t partition) {
  std::unique_lock lock(mu_);
  if (wanted_.erase(partition) > 0) ++wanted_version_;
  cv_.notify_all();
  cv_.wait(lock, [&] { return held_.count(partition) == 0; });
}

std::set<int32_t> StandbyFollower::Following() const {
  std::lock_guard lock(mu_);
  return held_;
}

void StandbyFollower::Run() {
  bool reassign = false;
  auto next_reader_try = SteadyClock::now();
  uint64_t seen_version = 0;
  for (;;) {
    std::set<int32_t> wanted;
    {
      std::unique_lock lock(mu_);
      // Nothing to read: sleep until the wanted set changes (or a retry is due).
      if (followed_.empty() && !stopping_ && wanted_version_ == seen_version) {
        cv_.wait_for(lock, kIdleWait, [&] { return stopping_ || wanted_version_ != seen_version; });
      }
      if (stopping_) break;
      wanted = wanted_;
      seen_version = wanted_version_;
    }
    const auto now = SteadyClock::now();
    if (!reader_ && !wanted.empty() && now >= next_reader_try) {
      auto reader = kafka::AssignedReader::Create(options_.properties, options_.changelog_topic, "standby",
                                                  options_.broker_timeout);
      if (reader) {
        reader_ = std::move(*reader);
      } else {
        next_reader_try = now + options_.retry_after;
        log::Warn("standby", "cannot create the changelog reader", {{"error", reader.error().message}});
      }
    }
    // Partitions no longer wanted (or released): checkpoint and let go.
    for (auto it = followed_.begin(); it != followed_.end();) {
      const int32_t p = it->first;
      ++it;
      if (wanted.count(p) == 0) {
        Drop(p, /*checkpoint=*/true);
        reassign = true;
      }
    }
    std::erase_if(retry_at_, [&](const auto& entry) { return wanted.count(entry.first) == 0; });
    // Partitions newly wanted.
    for (int32_t p : wanted) {
      if (!reader_ || followed_.count(p) != 0) continue;
      if (auto r = retry_at_.find(p); r != retry_at_.end() && now < r->second) continue;
      {
        // Taken under the lock that Release holds, so a partition released
        // meanwhile is never touched.
        std::lock_guard lock(mu_);
        if (stopping_ || wanted_.count(p) == 0) continue;
        held_.insert(p);
      }
      if (auto f = Begin(p)) {
        followed_[p] = std::move(*f);
        retry_at_.erase(p);
        reassign = true;
      } else {
        {
          std::lock_guard lock(mu_);
          held_.erase(p);
        }
        cv_.notify_all();
      }
    }
    metrics_.SetStandbyPartitions(static_cast<int64_t>(followed_.size()));
    if (!reader_ || followed_.empty()) continue;
    if (reassign) {
      std::map<int32_t, int64_t> positions;
      for (const auto& [p, f] : followed_) positions[p] = f.next;
      if (auto s = reader_->Assign(positions); !s) {
        log::Warn("standby", "cannot assign the changelog partitions", {{"error", s.error().message}});
        continue;  // tried again next turn
      }
      reassign = false;
    }

    auto polled = reader_->Poll(options_.batch, kPollWait);
    Apply(polled.messages);
    for (const auto& [p, end] : polled.eof) {
      // Everything before the end was delivered before the end itself.
      auto it = followed_.find(p);
      if (it != followed_.end() && end > it->second.next) {
        it->second.next = end;
        it->second.dirty = true;
      }
    }
    for (const auto& [p, error] : polled.errors) {
      if (followed_.count(p) == 0) continue;
      log::Warn("standby", "changelog read error; following again later", {{"partition", std::to_string(p)}, {"error", error}});
      Drop(p, /*checkpoint=*/true);
      retry_at_[p] = SteadyClock::now() + options_.retry_after;
      reassign = true;
    }
    const auto after = SteadyClock::now();
    for (auto it = followed_.begin(); it != followed_.end();) {
      const int32_t p = it->first;
      Followed& f = it->second;
      ++it;
      Status s = WriteOps(p, f);
      if (s && f.dirty && after - f.checkpointed_at >= options_.checkpoint_every) s = Checkpoint(p, f);
      if (!s) {
        log::Warn("standby", "cannot write the followed state; following again later",
                  {{"partition", std::to_string(p)}, {"error", s.error().message}});
        Drop(p, /*checkpoint=*/false);  // the checkpoint stays where it was: a later follow re-reads
        retry_at_[p] = after + options_.retry_after;
        reassign = true;
        continue;
      }
      if (auto hi = reader_->CachedHighWatermark(p)) metrics_.SetStandbyLag(p, std::max<int64_t>(0, *hi - f.next));
    }
  }
  // Shutting down: what was applied is checkpointed, so the next start (or
  // an assignment) resumes from there.
  while (!followed_.empty()) Drop(followed_.begin()->first, /*checkpoint=*/true);
  reader_.reset();
  metrics_.SetStandbyPartitions(0);
}

std::optional<StandbyFollower::Followed> StandbyFollower::Begin(int32_t p) {
  const std::string pt = std::to_string(p);
  const std::string& topic = options_.changelog_topic;
  auto retry_later = [&](const std::string& what, const std::string& error, int factor) {
    log::Warn("standby", what, {{"partition", pt}, {"error", error}});
    retry_at_[p] = SteadyClock::now() + options_.retry_after * factor;
    return std::nullopt;
  };
  if (auto s = store_.AddPartition(p); !s) return retry_later("cannot create the partition's state", s.error().message, 1);
  auto cp = store_.GetChangelogCheckpoint(p);
  auto held = store_.CountOutbox(p, topic);
  if (!cp || !held) {
    return retry_later("cannot read the partition's checkpoint", !cp ? cp.error().message : held.error().message, 1);
  }
  auto wm = reader_->Watermarks(p);
  if (!wm) return retry_later("cannot read the changelog's watermarks", wm.error().message, 1);
  const auto [lo, hi] = *wm;
  // From the beginning when local state is not a prefix of the changelog:
  // no checkpoint, this state's own undelivered changes (it owned the
  // partition before), or a checkpoint past the end (the topic was
  // recreated: the owner's state is what counts).
  const bool full = !cp->has_value() || *held > 0 || **cp > hi;
  const int64_t from = full ? 0 : **cp;
  if (from < lo) {
    return retry_later("changelog records a standby needs are gone (retention, or the embedded mock cluster's "
                       "5 MiB per partition); not following this partition",
                       "changelog starts at " + std::to_string(lo) + ", needed " + std::to_string(from),
                       kGoneRetryFactor);
  }
  if (full) {
    if (auto s = store_.BeginFullRestore(p, topic); !s) {
      return retry_later("cannot clear the partition's state", s.error().message, 1);
    }
    publisher_.Dropped(*held);
  }
  log::Info("standby", "following a partition's changelog as a standby",
            {{"partition", pt}, {"from", full ? "beginning" : std::to_string(from)}, {"end", std::to_string(hi)}});
  Followed f;
  f.next = from;
  if (!full) {
    auto epoch = store_.GetChangelogEpoch(p);
    if (!epoch) return retry_later("cannot read the partition's epoch", epoch.error().message, 1);
    f.newest_epoch = epoch->value_or(0);
  }
  f.checkpointed_at = SteadyClock::now();
  return f;
}

void StandbyFollower::Apply(const std::vector<kafka::ConsumedMessage>& messages) {
  for (const auto& m : messages) {
    auto it = followed_.find(m.partition);
    // Not followed any more, or read again after a reassignment.
    if (it == followed_.end() || m.offset < it->second.next) continue;
    Followed& f = it->second;
    f.next = m.offset + 1;
    f.dirty = true;
    auto rec = store::changelog::Classify(m.key, m.null_value, m.value, m.headers);
    if (!rec) continue;  // not riskd's; a restore skips it too
    // The same fencing rule as a restore (fencing.h).
    const auto fence = Fence(f.newest_epoch, rec->kind == store::changelog::Record::Kind::kClaim, rec->epoch, m.offset);
    f.newest_epoch = fence.newest;
    if (fence.verdict != FenceVerdict::kApply) {
      metrics_.ChangelogFenced(fence.verdict == FenceVerdict::kInvalidClaim);
      continue;
    }
    switch (rec->kind) {
      case store::changelog::Record::Kind::kOffsets: f.offsets = std::move(rec->offsets); break;
      case store::changelog::Record::Kind::kAccount: f.ops.push_back({std::move(rec->key), std::move(rec->value)}); break;
      case store::changelog::Record::Kind::kTombstone: f.ops.push_back({std::move(rec->key), std::nullopt}); break;
      case store::changelog::Record::Kind::kClaim: break;
    }
  }
}

Status StandbyFollower::WriteOps(int32_t p, Followed& f) {
  if (f.ops.empty()) return OkStatus();
  if (auto s = store_.ApplyRestoreBatch(p, f.ops); !s) return s;
  f.applied += static_cast<int64_t>(f.ops.size());
  f.ops.clear();
  return OkStatus();
}

Status StandbyFollower::Checkpoint(int32_t p, Followed& f) {
  if (auto s = WriteOps(p, f); !s) return s;
  auto held = store_.CountOutbox(p, options_.changelog_topic);
  if (!held) return held.error();
  if (auto s = store_.FinishRestore(p, f.offsets, f.next, options_.changelog_topic, f.newest_epoch); !s) return s;
  publisher_.Dropped(*held);
  f.offsets.reset();  // stored now
  f.dirty = false;
  f.checkpointed_at = SteadyClock::now();
  return OkStatus();
}

void StandbyFollower::Drop(int32_t p, bool checkpoint) {
  auto it = followed_.find(p);
  if (it != followed_.end()) {
    if (checkpoint && it->second.dirty) {
      if (auto s = Checkpoint(p, it->second); !s) {
        log::Warn("standby", "cannot checkpoint the followed state; the next restore re-reads it",
                  {{"partition", std::to_string(p)}, {"error", s.error().message}});
      }
    }
    log::Info("standby", "no longer following a partition's changelog",
              {{"partition", std::to_string(p)}, {"next", std::to_string(it->second.next)},
               {"records_applied", std::to_string(it->second.applied)}});
    followed_.erase(it);
  }
  metrics_.RemoveStandbyLag(p);
  metrics_.SetStandbyPartitions(static_cast<int64_t>(followed_.size()));
  {
    std::lock_guard lock(mu_);
    held_.erase(p);
  }
  cv_.notify_all();
}

}  // namespace riskd::pipeline
