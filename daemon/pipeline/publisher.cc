#include "daemon/pipeline/publisher.h"

#include <chrono>

#include "daemon/log/log.h"
#include "daemon/metrics/metrics.h"

namespace riskd::pipeline {
namespace {

// A delivery token packs the partition and the outbox sequence number.
uint64_t Token(int32_t partition, uint64_t seq) { return (static_cast<uint64_t>(partition) << 48) | seq; }
int32_t TokenPartition(uint64_t token) { return static_cast<int32_t>(token >> 48); }
uint64_t TokenSeq(uint64_t token) { return token & ((uint64_t{1} << 48) - 1); }

// Delivery failures that no retry can fix: the record itself is refused
// (size, validity) or the producer may not write the topic. Everything else
// (timeouts, brokers down, leader changes) heals on its own.
bool PermanentFailure(std::string_view reason) {
  static constexpr std::string_view kPermanent[] = {
      "too_large",          "msg_size_too_large",        "record_list_too_large",
      "invalid_record",     "invalid_msg",               "invalid_msg_size",
      "corrupt_message",    "topic_authorization_failed", "cluster_authorization_failed",
      "invalid_required_acks", "policy_violation"};
  for (std::string_view r : kPermanent) {
    if (reason == r) return true;
  }
  return false;
}

}  // namespace

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

void Publisher::OpenChangelog(int32_t partition) {
  {
    std::lock_guard lock(gate_mu_);
    changelog_open_.insert(partition);
  }
  {
    std::lock_guard lock(wake_mu_);
    woken_ = true;
  }
  wake_.notify_one();
}

void Publisher::CloseChangelog(int32_t partition) {
  std::lock_guard lock(gate_mu_);
  changelog_open_.erase(partition);
  changelog_blocked_.erase(partition);
}

bool Publisher::ChangelogOpen(int32_t p) const {
  std::lock_guard lock(gate_mu_);
  return changelog_open_.count(p) != 0;
}

bool Publisher::ChangelogProducible(int32_t p) const {
  std::lock_guard lock(gate_mu_);
  return changelog_open_.count(p) != 0 && changelog_blocked_.count(p) == 0;
}

std::map<int32_t, std::string> Publisher::BlockedChangelogs() const {
  std::lock_guard lock(gate_mu_);
  return changelog_blocked_;
}

void Publisher::BlockChangelog(int32_t p, std::string_view reason, std::string_view error) {
  {
    std::lock_guard lock(gate_mu_);
    if (changelog_open_.count(p) == 0 || !changelog_blocked_.emplace(p, std::string(reason)).second) return;
  }
  log::Error("publisher",
             "changelog record cannot be published; the partition's changelog stops here and the partition is "
             "not served until it is reassigned or riskd restarts",
             {{"partition", std::to_string(p)}, {"reason", reason}, {"error", error}});
}

void Publisher::OnDelivery(uint64_t token, std::string_view error) { OnDeliveryReport(token, error, "unknown", -1); }

void Publisher::OnDeliveryReport(uint64_t token, std::string_view error, std::string_view reason, int64_t offset) {
  auto it = in_flight_.find(token);
  const Kind kind = it != in_flight_.end() ? it->second : Kind::kOther;
  if (it != in_flight_.end()) in_flight_.erase(it);
  const int32_t p = TokenPartition(token);
  const uint64_t seq = TokenSeq(token);
  if (kind != Kind::kChangelog) plain_in_flight_[p].erase(seq);
  if (!error.empty()) {
    // Produce it again on the next pass (a repeat is allowed, a gap is not);
    // a changelog record that can never be delivered stops its changelog.
    metrics_.ProduceError(reason);
    if (kind == Kind::kChangelog && PermanentFailure(reason)) BlockChangelog(p, reason, error);
    failures_log_.Warn(reason, "delivery failed; will retry", {{"reason", reason}, {"error", error}});
    auto& c = kind == Kind::kChangelog ? changelog_cursor_[p] : cursor_[p];
    c = std::min(c, seq - 1);
    return;
  }
  if (kind == Kind::kUpdate) metrics_.UpdatePublished();
  if (kind == Kind::kChangelog && offset >= 0) {
    auto& cp = checkpoint_[p];
    cp = std::max(cp, offset + 1);
  }
  delivered_[p].push_back(seq);
  unpublished_.fetch_sub(1);
}

bool Publisher::PlainDeliveredBefore(int32_t p, uint64_t seq) const {
  auto c = cursor_.find(p);
  if (c == cursor_.end() || c->second < seq) return false;  // not all scanned (produced) yet
  auto f = plain_in_flight_.find(p);
  return f == plain_in_flight_.end() || f->second.empty() || *f->second.begin() > seq;
}

bool Publisher::ProduceOne(int32_t p, const store::OutboxItem& item, Kind kind, bool* produced) {
  const uint64_t token = Token(p, item.seq);
  const auto& e = item.entry;
  auto s = producer_->Produce(e.topic, e.key, e.value, e.headers, token, e.partition, e.tombstone);
  if (!s && kind == Kind::kChangelog && PermanentFailure(s.error().code)) {
    // Dropping it would let a restore (a handoff) silently revert the
    // account: keep it, stop this changelog, stop serving the partition.
    metrics_.ProduceError(s.error().code);
    BlockChangelog(p, s.error().code,
                   s.error().message + " (key " + e.key + ", " + std::to_string(e.value.size()) + " bytes)");
    return false;
  }
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
    // partition, and only while the partition's changelog is open.
    if (!has_changelog || !ChangelogProducible(p) || in_flight_.size() >= options_.max_in_flight) continue;
    room = std::min(options_.read_batch, options_.max_in_flight - in_flight_.size());
    items = store_.ReadOutbox(p, changelog_cursor_[p], room);
    if (!items) continue;
    for (const auto& item : *items) {
      const bool changelog = item.entry.topic == options_.changelog_topic;
      if (changelog && !in_flight_.count(Token(p, item.seq))) {
        if (!PlainDeliveredBefore(p, item.seq)) break;
        if (!ProduceOne(p, item, Kind::kChangelog, &produced)) break;
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
    if (!produced && in_flight_.empty()) {
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
