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

void Publisher::Stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  wake_.notify_one();
  thread_.join();
}

void Publisher::OnDelivery(uint64_t token, std::string_view error) {
  auto it = in_flight_.find(token);
  const bool is_update = it != in_flight_.end() && it->second;
  if (it != in_flight_.end()) in_flight_.erase(it);
  const int32_t p = TokenPartition(token);
  if (!error.empty()) {
    // Produce it again on the next pass (a repeat is allowed, a gap is not).
    metrics_.ProduceError();
    log::Warn("publisher", "delivery failed; will retry", {{"error", error}});
    auto& c = cursor_[p];
    c = std::min(c, TokenSeq(token) - 1);
    return;
  }
  if (is_update) metrics_.UpdatePublished();
  delivered_[p].push_back(TokenSeq(token));
  unpublished_.fetch_sub(1);
}

bool Publisher::ProduceSome() {
  bool produced = false;
  for (int32_t p : store_.Partitions()) {
    if (in_flight_.size() >= options_.max_in_flight) break;
    const size_t room = std::min(options_.read_batch, options_.max_in_flight - in_flight_.size());
    auto items = store_.ReadOutbox(p, cursor_[p], room);
    if (!items) {
      log::Warn("publisher", "cannot read outbox", {{"error", items.error().message}});
      continue;
    }
    for (const auto& item : *items) {
      const uint64_t token = Token(p, item.seq);
      if (in_flight_.count(token)) {  // still waiting for its report
        cursor_[p] = item.seq;
        continue;
      }
      const auto& e = item.entry;
      auto s = producer_->Produce(e.topic, e.key, e.value, e.headers, token);
      if (!s && s.error().code == "too_large") {
        // It can never be sent: blocking the outbox behind it would stop
        // every later update. Counted, logged, dropped.
        metrics_.ProduceError();
        log::Error("publisher", "outbox entry larger than message.max.bytes dropped",
                   {{"topic", e.topic}, {"key", e.key}, {"bytes", std::to_string(e.value.size())}});
        delivered_[p].push_back(item.seq);
        unpublished_.fetch_sub(1);
        cursor_[p] = item.seq;
        continue;
      }
      if (!s) {
        if (s.error().code != "queue_full") log::Warn("publisher", "produce failed", {{"error", s.error().message}});
        break;  // retry from here on the next pass
      }
      in_flight_[token] = e.topic == options_.decisions_topic;
      cursor_[p] = item.seq;
      produced = true;
    }
  }
  return produced;
}

void Publisher::DeleteDelivered() {
  for (auto& [p, seqs] : delivered_) {
    if (seqs.empty()) continue;
    auto s = store_.DeleteOutbox(p, seqs);
    // A failed delete only means a repeat after the next restart.
    if (!s) log::Warn("publisher", "cannot delete published outbox entries", {{"error", s.error().message}});
    seqs.clear();
  }
}

void Publisher::Run() {
  while (!stopping_) {
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
  ProduceSome();
  producer_->Flush();
  DeleteDelivered();
  if (unpublished_.load() > 0) {
    log::Warn("publisher", "outbox not fully published at shutdown; it is published at next start",
              {{"entries", std::to_string(unpublished_.load())}});
  }
}

}  // namespace riskd::pipeline
