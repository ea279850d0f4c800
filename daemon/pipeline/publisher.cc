#include "daemon/pipeline/publisher.h"

#include <chrono>
#include <utility>

#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"
#include "daemon/store/changelog.h"

namespace riskd::pipeline {
namespace {

// A delivery token packs the partition and the outbox sequence number.
uint64_t Token(int32_t partition, uint64_t seq) { return (static_cast<uint64_t>(partition) << 48) | seq; }
int32_t TokenPartition(uint64_t token) { return static_cast<int32_t>(token >> 48); }
uint64_t TokenSeq(uint64_t token) { return token & ((uint64_t{1} << 48) - 1); }
// Records produced at once (claims, labels) have tokens of their own.
constexpr uint64_t kDirectBit = uint64_t{1} << 63;

}  // namespace

Result<int64_t> DirectAck::Wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, timeout, [this] { return done_; })) {
    return Error{"unavailable", "the broker did not acknowledge the changelog record within " +
                                    std::to_string(timeout.count()) + " ms"};
  }
  if (!error_.empty()) return Error{"unavailable", "changelog record not delivered: " + error_};
  return offset_;
}

void DirectAck::Resolve(std::string error, int64_t offset) {
  {
    std::lock_guard lock(mu_);
    done_ = true;
    error_ = std::move(error);
    offset_ = offset;
  }
  cv_.notify_all();
}

Publisher::Publisher(store::StateStore& store, metrics::Metrics& metrics, PublisherOptions options)
    : store_(store), metrics_(metrics), options_(std::move(options)) {}

Publisher::~Publisher() { Stop(); }

void Publisher::Start() {
  // What a previous run left in the outbox counts as unpublished.
  int64_t left = 0;
  for (int32_t p : store_.Partitions()) {
    uint64_t after = 0;
    for (;;) {
      auto items = store_.ReadOutbox(p, after, 10'000);
      if (!items || items->empty()) break;
      left += static_cast<int64_t>(items->size());
      after = items->back().seq;
    }
  }
  unpublished_ = left;
  if (left > 0) log::Info("publisher", "republishing outbox left from a previous run", {{"entries", std::to_string(left)}});
  thread_ = std::thread([this] { Run(); });
}

void Publisher::Notify(int64_t entries) {
  if (entries <= 0) return;
  unpublished_.fetch_add(entries);
  {
    std::lock_guard lock(wake_mu_);
    woken_ = true;
  }
  wake_.notify_one();
}

void Publisher::Dropped(int64_t entries) {
  if (entries > 0) unpublished_.fetch_sub(entries);
}

void Publisher::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  wake_.notify_one();
  thread_.join();
}

void Publisher::OpenChangelog(int32_t partition, int64_t epoch) {
  {
    std::lock_guard lock(gate_mu_);
    changelog_open_[partition] = epoch;
  }
  {
    std::lock_guard lock(wake_mu_);
    woken_ = true;
  }
  wake_.notify_one();
}

void Publisher::CloseChangelog(int32_t partition) {
  // The marks stay while the partition is open: a failed delivery rewinds
  // the cursor, and a superseded entry read again must still be skipped.
  // Labels are rare; an ownership's marks are few.
  std::lock_guard produce_lock(produce_mu_);
  superseded_.erase(partition);
  std::lock_guard lock(gate_mu_);
  changelog_open_.erase(partition);
}

bool Publisher::ChangelogOpen(int32_t p) const {
  std::lock_guard lock(gate_mu_);
  return changelog_open_.count(p) != 0;
}

std::optional<int64_t> Publisher::OpenEpoch(int32_t p) const {
  std::lock_guard lock(gate_mu_);
  auto it = changelog_open_.find(p);
  if (it == changelog_open_.end()) return std::nullopt;
  return it->second;
}

Result<std::shared_ptr<DirectAck>> Publisher::ProduceDirect(int32_t p, const store::OutboxEntry& e, bool claim) {
  auto ack = std::make_shared<DirectAck>();
  uint64_t token = 0;
  {
    std::lock_guard lock(direct_mu_);
    token = kDirectBit | ++next_direct_;
    direct_[token] = Direct{p, claim, ack};
  }
  auto s = ProduceRecord(e, e.headers, token);
  if (!s) {
    std::lock_guard lock(direct_mu_);
    direct_.erase(token);
    return Error{"unavailable", "changelog record not queued: " + s.error().message};
  }
  {
    std::lock_guard lock(wake_mu_);
    woken_ = true;  // its report comes from the publisher thread's Poll
  }
  wake_.notify_one();
  return ack;
}

Result<std::shared_ptr<DirectAck>> Publisher::ProduceClaim(int32_t partition, const store::OutboxEntry& claim) {
  std::lock_guard lock(produce_mu_);
  return ProduceDirect(partition, claim, /*claim=*/true);
}

Result<std::shared_ptr<DirectAck>> Publisher::ProduceLabel(int32_t partition, int64_t epoch,
                                                           const store::OutboxEntry& record, uint64_t outbox_seq) {
  std::lock_guard lock(produce_mu_);
  if (OpenEpoch(partition) != epoch) {
    return Error{"unavailable", "partition " + std::to_string(partition) + " changed hands"};
  }
  // From now on the account's older outbox records are not produced: they
  // would land after this one and bring back a state without the label.
  auto& newest = superseded_[partition][record.key];
  newest = std::max(newest, outbox_seq);
  store::OutboxEntry stamped = record;
  store::changelog::SetEpoch(stamped.headers, epoch);
  return ProduceDirect(partition, stamped, /*claim=*/false);
}

void Publisher::OnDelivery(uint64_t token, std::string_view error) { OnDeliveryReport(token, error, "unknown", -1); }

void Publisher::OnDeliveryReport(uint64_t token, std::string_view error, std::string_view reason, int64_t offset) {
  if ((token & kDirectBit) != 0) {
    Direct waiting;
    {
      std::lock_guard lock(direct_mu_);
      auto d = direct_.find(token);
      if (d == direct_.end()) return;
      waiting = std::move(d->second);
      direct_.erase(d);
    }
    if (!error.empty()) {
      metrics_.ProduceError(reason);
      failures_log_.Warn(reason, "delivery failed", {{"reason", reason}, {"error", error}});
    } else if (offset >= 0) {
      ChangelogDelivered(waiting.partition, offset, waiting.claim);
    }
    waiting.ack->Resolve(std::string(error), offset);
    return;
  }
  auto it = in_flight_.find(token);
  const Kind kind = it != in_flight_.end() ? it->second : Kind::kOther;
  if (it != in_flight_.end()) in_flight_.erase(it);
  const int32_t p = TokenPartition(token);
  const uint64_t seq = TokenSeq(token);
  if (kind != Kind::kChangelog) plain_in_flight_[p].erase(seq);
  if (!error.empty()) {
    // Produce it again on the next pass (a repeat is allowed, a gap is not).
    metrics_.ProduceError(reason);
    failures_log_.Warn(reason, "delivery failed; will retry", {{"reason", reason}, {"error", error}});
    auto& c = kind == Kind::kChangelog ? changelog_cursor_[p] : cursor_[p];
    c = std::min(c, seq - 1);
    return;
  }
  if (kind == Kind::kUpdate) metrics_.UpdatePublished();
  if (kind == Kind::kChangelog && offset >= 0) {
    ChangelogDelivered(p, offset, /*claim=*/false);
  }
  delivered_[p].push_back(seq);
  unpublished_.fetch_sub(1);
}

void Publisher::ChangelogDelivered(int32_t p, int64_t offset, bool claim) {
  // From its claim on, the owner is the partition's only writer, and one
  // idempotent producer delivers its records in order: their offsets are
  // consecutive. A gap is someone else's record (or one of ours the broker
  // appended though its delivery was reported failed: a harmless re-check).
  // The checkpoint then stays at the gap: local state does not hold what
  // is there, and the re-check must read it.
  if (claim) {
    last_offset_[p] = offset;
    checkpoint_cap_.erase(p);
  } else if (auto it = last_offset_.find(p); it != last_offset_.end()) {
    if (offset > it->second + 1) {
      auto cap = checkpoint_cap_.try_emplace(p, it->second + 1).first;
      cap->second = std::min(cap->second, it->second + 1);
      std::lock_guard lock(foreign_mu_);
      foreign_.insert(p);
    }
    it->second = std::max(it->second, offset);
  }
  auto& cp = checkpoint_[p];
  cp = std::max(cp, offset + 1);
  if (auto cap = checkpoint_cap_.find(p); cap != checkpoint_cap_.end()) cp = std::min(cp, cap->second);
}

std::set<int32_t> Publisher::TakeForeignWrites() {
  std::lock_guard lock(foreign_mu_);
  return std::exchange(foreign_, {});
}

bool Publisher::PlainDeliveredBefore(int32_t p, uint64_t seq) const {
  auto c = cursor_.find(p);
  if (c == cursor_.end() || c->second < seq) return false;  // not all scanned (produced) yet
  auto f = plain_in_flight_.find(p);
  return f == plain_in_flight_.end() || f->second.empty() || *f->second.begin() > seq;
}

Status Publisher::ProduceRecord(const store::OutboxEntry& e, const std::vector<store::Header>& headers,
                                uint64_t token) {
  return producer_->Produce(e.topic, e.key, e.value, headers, token, e.partition, e.tombstone);
}

bool Publisher::ProduceOne(int32_t p, const store::OutboxItem& item, Kind kind, bool* produced,
                           const std::vector<store::Header>* headers) {
  const uint64_t token = Token(p, item.seq);
  const auto& e = item.entry;
  auto s = ProduceRecord(e, headers ? *headers : e.headers, token);
  if (!s && s.error().code == "too_large") {
    // It can never be sent: blocking the outbox behind it would stop
    // every later update. Counted, logged, dropped.
    metrics_.ProduceError("too_large");
    failures_log_.Error("too_large", "outbox entry larger than message.max.bytes dropped",
                        {{"topic", e.topic}, {"key", e.key}, {"bytes", std::to_string(e.value.size())}});
    delivered_[p].push_back(item.seq);
    unpublished_.fetch_sub(1);
    return true;
  }
  if (!s) {
    if (s.error().code != "queue_full") {
      metrics_.ProduceError(s.error().code);
      failures_log_.Warn(s.error().code, "produce failed", {{"reason", s.error().code}, {"error", s.error().message}});
    }
    return false;  // retry from here on the next pass
  }
  in_flight_[token] = kind;
  if (kind != Kind::kChangelog) plain_in_flight_[p].insert(item.seq);
  *produced = true;
  return true;
}

bool Publisher::ProduceSome() {
  bool produced = false;
  const bool has_changelog = !options_.changelog_topic.empty();
  for (int32_t p : store_.Partitions()) {
    // Pass 1: RiskUpdates and dead letters, in outbox order.
    if (in_flight_.size() >= options_.max_in_flight) break;
    size_t room = std::min(options_.read_batch, options_.max_in_flight - in_flight_.size());
    auto items = store_.ReadOutbox(p, cursor_[p], room);
    if (!items) {
      log::Warn("publisher", "cannot read outbox", {{"error", items.error().message}});
      continue;
    }
    for (const auto& item : *items) {
      const bool changelog = has_changelog && item.entry.topic == options_.changelog_topic;
      if (!changelog && !in_flight_.count(Token(p, item.seq))) {
        const Kind kind = item.entry.topic == options_.decisions_topic ? Kind::kUpdate : Kind::kOther;
        if (!ProduceOne(p, item, kind, &produced)) break;
      }
      cursor_[p] = item.seq;
    }
    // Pass 2: changelog records, behind every earlier update of the
    // partition, and only while the partition's changelog is open; each
    // stamped with the epoch it is open with.
    if (!has_changelog || in_flight_.size() >= options_.max_in_flight) continue;
    std::lock_guard produce_lock(produce_mu_);
    const auto epoch = OpenEpoch(p);
    if (!epoch) continue;
    room = std::min(options_.read_batch, options_.max_in_flight - in_flight_.size());
    items = store_.ReadOutbox(p, changelog_cursor_[p], room);
    if (!items) continue;
    auto& superseded = superseded_[p];
    std::vector<store::Header> headers;
    for (const auto& item : *items) {
      const bool changelog = item.entry.topic == options_.changelog_topic;
      if (changelog && !in_flight_.count(Token(p, item.seq))) {
        if (!PlainDeliveredBefore(p, item.seq)) break;
        auto label = superseded.find(item.entry.key);
        if (label != superseded.end() && item.seq < label->second) {
          // An analyst label's record went out since, holding all this one
          // holds: producing this would bring back a state without it.
          delivered_[p].push_back(item.seq);
          unpublished_.fetch_sub(1);
        } else {
          headers = item.entry.headers;
          store::changelog::SetEpoch(headers, *epoch);
          if (!ProduceOne(p, item, Kind::kChangelog, &produced, &headers)) break;
        }
      }
      changelog_cursor_[p] = item.seq;
    }
  }
  return produced;
}

void Publisher::DeleteDelivered() {
  for (auto& [p, seqs] : delivered_) {
    std::optional<int64_t> checkpoint;
    auto cp = checkpoint_.find(p);
    if (cp != checkpoint_.end()) {
      // Only while this instance owns the partition: a late report after it
      // moved away must not claim records a restore did not read.
      if (ChangelogOpen(p)) checkpoint = cp->second;
      checkpoint_.erase(cp);
    }
    if (seqs.empty() && !checkpoint) continue;
    auto s = store_.DeleteOutbox(p, seqs, checkpoint);
    // A failed delete only means a repeat after the next restart.
    if (!s) log::Warn("publisher", "cannot delete published outbox entries", {{"error", s.error().message}});
    seqs.clear();
  }
}

void Publisher::Run() {
  auto next_stats = std::chrono::steady_clock::now();
  while (!stopping_) {
    if (std::chrono::steady_clock::now() >= next_stats) {
      next_stats = std::chrono::steady_clock::now() + std::chrono::seconds(2);
      std::string cursors;
      for (const auto& [p, c] : cursor_) {
        cursors += std::to_string(p) + ":" + std::to_string(c) + "/" + std::to_string(changelog_cursor_[p]) + "/" +
                   std::to_string(plain_in_flight_[p].size()) + " ";
      }
      log::Debug("publisher", "state", {{"unpublished", std::to_string(unpublished_.load())},
                                        {"in_flight", std::to_string(in_flight_.size())}, {"cursors", cursors}});
    }
    const bool produced = ProduceSome();
    producer_->Poll(produced ? 0 : 10);
    DeleteDelivered();
    bool direct_waiting = false;
    {
      std::lock_guard lock(direct_mu_);
      direct_waiting = !direct_.empty();
    }
    if (!produced && in_flight_.empty() && !direct_waiting) {
      std::unique_lock lock(wake_mu_);
      wake_.wait_for(lock, std::chrono::milliseconds(50), [this] { return woken_ || stopping_.load(); });
      woken_ = false;
    }
  }
  // Shutdown: publish what is committed, wait for reports (bounded).
  // Changelog records wait behind their batch's updates: a few passes.
  for (int i = 0; i < 20 && unpublished_.load() > 0; ++i) {
    ProduceSome();
    producer_->Poll(50);
    DeleteDelivered();
    if (in_flight_.empty() && i > 2) break;
  }
  producer_->Flush();
  DeleteDelivered();
  if (unpublished_.load() > 0) {
    log::Warn("publisher", "outbox not fully published at shutdown; it is published at next start",
              {{"entries", std::to_string(unpublished_.load())}});
  }
}

}  // namespace riskd::pipeline
