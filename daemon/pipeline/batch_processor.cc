#include "daemon/pipeline/batch_processor.h"

#include "daemon/log/log.h"
#include "daemon/log/rate_limit.h"
#include "daemon/metrics/metrics.h"
#include "daemon/pipeline/risk_update.h"
#include "daemon/store/changelog.h"

namespace riskd::pipeline {
namespace {

std::optional<std::string_view> HeaderValue(const kafka::ConsumedMessage& m, std::string_view name) {
  for (const auto& [n, v] : m.headers) {
    if (n == name) return std::string_view(v);
  }
  return std::nullopt;
}

// Disagreement samples and shadow-state trouble: a few lines per kind a
// minute, the rest counted (one logger for the process; the metric has
// every case).
log::RateLimitedLogger& ShadowLog() {
  static log::RateLimitedLogger logger("shadow", log::RateLimitOptions{5, std::chrono::seconds(60), 16});
  return logger;
}

}  // namespace

int64_t BatchOutcome::messages() const {
  int64_t n = duplicates;
  for (const auto& [k, v] : applied) n += v;
  for (const auto& [k, v] : rejected) n += v;
  return n;
}

const char* EventTypeName(scoring::EventKind kind) {
  switch (kind) {
    case scoring::EventKind::kLogin: return "login";
    case scoring::EventKind::kPasswordReset: return "password_reset";
    case scoring::EventKind::kSupportRequest: return "support_request";
    case scoring::EventKind::kVerification: return "verification";
    case scoring::EventKind::kAccountChange: return "account_change";
    case scoring::EventKind::kLabel: return "label";
  }
  return "unknown";
}

Result<BatchProcessor::Cached*> BatchProcessor::Load(int32_t partition, const std::string& account_id,
                                                     const ScoringSnapshot& scoring) {
  auto it = cache_.find(account_id);
  if (it != cache_.end()) return &it->second;
  auto record = store_.GetAccount(partition, account_id);
  if (!record) return record.error();
  Cached cached;
  if (record->has_value()) {
    auto state = scoring::AccountState::Parse((*record)->state);
    if (!state) return Error{"corrupt_state", "account state does not parse: " + state.error().message};
    cached.state = std::move(*state);
  }
  if (scoring.shadow_engine) {
    if (auto s = LoadShadow(partition, account_id, scoring, cached); !s) return s.error();
  }
  return &cache_.emplace(account_id, std::move(cached)).first->second;
}

// The shadow's own state of this candidate version, or else a copy of the
// live state: a candidate starts from the history the live config has
// folded (familiar contexts, resets, marks) rather than from nothing, which
// would make every account look new to it and flood the disagreements.
Status BatchProcessor::LoadShadow(int32_t partition, const std::string& account_id,
                                  const ScoringSnapshot& scoring, Cached& cached) {
  auto record = store_.GetShadowAccount(partition, account_id);
  if (!record) {
    if (record.error().code != "corrupt") return record.error();  // I/O: retry the batch
  } else if (record->has_value() && (*record)->config_version == scoring.shadow_version) {
    auto state = scoring::AccountState::Parse((*record)->state);
    if (state) {
      cached.shadow = std::move(*state);
      return OkStatus();
    }
    record = Error{"corrupt", state.error().message};
  }
  if (!record) {
    // The shadow never costs the live path an event: start it afresh.
    ShadowLog().Warn("corrupt", "shadow state does not parse; seeded again from the live state",
                     {{"account", account_id}, {"error", record.error().message}});
  }
  cached.shadow = cached.state;
  return OkStatus();
}

void BatchProcessor::ApplyShadow(const std::string& account_id, Cached& cached, const scoring::Event& event,
                                 const scoring::ApplyResult& live, const ScoringSnapshot& scoring,
                                 BatchResult& result) {
  const auto s = scoring.shadow_engine->Apply(*cached.shadow, event);
  if (s.outcome == scoring::ApplyOutcome::kDuplicate) return;
  cached.shadow_dirty = true;
  // Compared only where both applied the event: a duplicate on one side
  // alone (another duplicate_window) is no answer to compare.
  if (live.outcome == scoring::ApplyOutcome::kDuplicate) return;
  auto& out = result.outcome;
  auto disagree = [&](metrics::ShadowDisagreement kind, std::string_view live_answer, std::string_view shadow_answer) {
    ++out.shadow_disagreements[static_cast<int>(kind)];
    if (out.shadow_samples.size() < BatchOutcome::kMaxShadowSamples) {
      out.shadow_samples.push_back(
          {kind, account_id, event.id, std::string(live_answer), std::string(shadow_answer)});
    }
  };
  if (live.level != s.level) {
    disagree(metrics::ShadowDisagreement::kLevel, scoring::name(live.level), scoring::name(s.level));
  }
  if (live.publish_update != s.publish_update) {
    disagree(metrics::ShadowDisagreement::kUpdate, live.publish_update ? "publish" : "none",
             s.publish_update ? "publish" : "none");
  }
}

void BatchProcessor::Apply(const std::string& account_id, Cached& cached, const scoring::Event& event,
                           const ScoringSnapshot& scoring, BatchResult& result) {
  auto r = scoring.engine->Apply(cached.state, event);
  if (cached.shadow) ApplyShadow(account_id, cached, event, r, scoring, result);
  auto& out = result.outcome;
  if (r.outcome == scoring::ApplyOutcome::kDuplicate) {
    ++out.duplicates;
    return;
  }
  cached.dirty = true;
  ++out.applied[EventTypeName(event.kind)];
  out.applied_event_times.push_back(event.occurred_at);
  if (r.late) ++out.late;
  for (const auto& f : r.new_firings) out.fired.emplace_back(f.rule, f.shadow);
  if (r.previous_level != r.level) out.transitions.emplace_back(r.previous_level, r.level);
  if (r.publish_update) {
    ++out.updates;
    const auto update = MakeRiskUpdate(account_id, event.id, event.occurred_at, r, scoring.config_version);
    result.write.outbox.push_back(store::OutboxEntry{
        options_.decisions_topic, account_id, EncodeRiskUpdate(update, options_.decisions_format),
        {{"content-type", std::string(ContentType(options_.decisions_format))}}});
  }
}

void BatchProcessor::DeadLetter(const kafka::ConsumedMessage& m, const Error& error, BatchResult& result) {
  store::OutboxEntry e{m.topic + options_.dead_letter_suffix, m.key, m.value, m.headers};
  if (e.value.size() > options_.max_dead_letter_value_bytes) {
    // Too large to republish (the producer's message.max.bytes): the dead
    // letter keeps key and headers and says how large the value was.
    e.headers.emplace_back("riskd-original-bytes", std::to_string(e.value.size()));
    e.value.clear();
  }
  // The codec's messages name fields and positions, never values, so the
  // detail (which field, which limit) can travel with the dead letter.
  e.headers.emplace_back("riskd-error-detail", error.message);
  e.headers.emplace_back("riskd-error", error.code);
  rejections_log_.Warn(error.code, "event rejected to the dead-letter topic",
                       {{"reason", error.code}, {"error", error.message}, {"topic", m.topic},
                        {"partition", std::to_string(m.partition)}, {"offset", std::to_string(m.offset)},
                        {"value_bytes", std::to_string(m.value.size())}});
  result.write.outbox.push_back(std::move(e));
  ++result.outcome.rejected[error.code];
}

Result<BatchResult> BatchProcessor::Process(int32_t partition,
                                            const std::vector<const kafka::ConsumedMessage*>& messages,
                                            const ScoringSnapshot& scoring, scoring::EpochMicros now,
                                            int32_t partition_count) {
  cache_.clear();
  BatchResult result;
  result.write.partition = partition;
  std::map<std::string, int64_t> next_offsets;
  for (const auto* m : messages) {
    next_offsets[m->topic] = m->offset + 1;
    result.outcome.received.push_back(m->received);
    // A key the producers' partitioner maps elsewhere: applied here anyway
    // (this is where its account's other events may be too), but an HTTP
    // request routed by key would look for it in the other partition.
    if (partition_count > 0 && m->has_key && !m->key.empty() &&
        kafka::PartitionForKey(options_.partitioner, m->key, partition_count) != partition) {
      ++result.outcome.misrouted;
    }
    codec::RawMessage raw{m->value, std::nullopt, HeaderValue(*m, "content-type")};
    if (m->has_key) raw.key = m->key;
    auto proto = codec::DecodeEvent(raw, now, options_.decode);
    if (!proto) {
      DeadLetter(*m, proto.error(), result);
      continue;
    }
    auto event = scoring::EventFromProto(*proto);
    if (!event) {
      DeadLetter(*m, event.error(), result);
      continue;
    }
    auto cached = Load(partition, proto->account_id(), scoring);
    if (!cached) {
      if (cached.error().code != "corrupt_state") return cached.error();  // I/O: retry the batch
      log::Error("pipeline", "account state does not parse; event dead-lettered",
                 {{"account", proto->account_id()}, {"error", cached.error().message}});
      DeadLetter(*m, cached.error(), result);
      continue;
    }
    Apply(proto->account_id(), **cached, *event, scoring, result);
  }
  for (const auto& [topic, offset] : next_offsets) result.write.next_offsets.emplace_back(topic, offset);
  Finish(result, scoring);
  return result;
}

Result<BatchResult> BatchProcessor::ProcessLabel(int32_t partition, const std::string& account_id,
                                                 const scoring::Event& event, const ScoringSnapshot& scoring) {
  cache_.clear();
  BatchResult result;
  result.write.partition = partition;
  result.write.sync = true;
  auto cached = Load(partition, account_id, scoring);
  if (!cached) return cached.error();
  Apply(account_id, **cached, event, scoring, result);
  // A label is not a consumed message: riskd_events_total does not count it.
  result.outcome.applied.clear();
  result.outcome.applied_event_times.clear();
  Finish(result, scoring);
  return result;
}

void BatchProcessor::Finish(BatchResult& result, const ScoringSnapshot& scoring) {
  const int32_t p = result.write.partition;
  const std::string& changelog = options_.changelog_topic;
  for (auto& [id, cached] : cache_) {
    // Shadow states stay local: no changelog record (a restored partition
    // seeds its shadows again from the live states).
    if (cached.shadow_dirty) {
      result.write.shadow_accounts.emplace_back(
          id, store::ShadowRecord{cached.shadow->newest_event_at, scoring.shadow_version, cached.shadow->Serialize()});
    }
    if (!cached.dirty) continue;
    store::AccountRecord record{cached.state.newest_event_at, cached.state.Serialize()};
    // One changelog record per account per batch: its final state.
    if (!changelog.empty()) result.write.outbox.push_back(store::changelog::AccountEntry(changelog, p, store_.writer_id(), id, record));
    result.write.accounts.emplace_back(id, std::move(record));
  }
  cache_.clear();
  if (!changelog.empty() && !result.write.next_offsets.empty()) {
    result.write.outbox.push_back(store::changelog::OffsetsEntry(changelog, p, store_.writer_id(), result.write.next_offsets));
  }
}

Result<BatchResult> BatchProcessor::Sweep(int32_t partition, const std::vector<std::string>& account_ids,
                                          scoring::EpochMicros now) {
  BatchResult result;
  result.write.partition = partition;
  for (const auto& id : account_ids) {
    auto record = store_.GetAccount(partition, id);
    if (!record) return record.error();
    if (options_.max_idle <= 0 || !record->has_value() || now - (*record)->last_event_micros <= options_.max_idle) {
      continue;
    }
    result.write.deleted_accounts.push_back(id);
    if (!options_.changelog_topic.empty()) {
      result.write.outbox.push_back(store::changelog::TombstoneEntry(options_.changelog_topic, partition, store_.writer_id(), id));
    }
  }
  return result;
}

void BatchProcessor::Record(const BatchOutcome& o, metrics::Metrics& metrics, scoring::EpochMicros now) {
  // Counts go in one call per label set (a label lookup builds a key).
  for (const auto& [type, n] : o.applied) metrics.EventApplied(type, n);
  for (const auto& [reason, n] : o.rejected) metrics.EventRejected(reason, n);
  if (o.duplicates > 0) metrics.EventDuplicate(o.duplicates);
  for (int64_t i = 0; i < o.misrouted; ++i) metrics.MisroutedEvent();
  if (o.late > 0) metrics.EventLate(o.late);
  for (const auto& [rule, shadow] : o.fired) metrics.RuleFired(scoring::name(rule), shadow);
  for (const auto& [from, to] : o.transitions) metrics.LevelTransition(scoring::name(from), scoring::name(to));
  const auto steady_now = std::chrono::steady_clock::now();
  for (const auto& t : o.received) {
    metrics.ObserveProcessingSeconds(std::chrono::duration<double>(steady_now - t).count());
  }
  for (auto at : o.applied_event_times) {
    metrics.ObserveEventLagSeconds(static_cast<double>(now - at) / scoring::kSecond);
  }
  for (int k = 0; k < metrics::kShadowDisagreementCount; ++k) {
    for (int64_t i = 0; i < o.shadow_disagreements[k]; ++i) {
      metrics.ShadowDisagreed(static_cast<metrics::ShadowDisagreement>(k));
    }
  }
  // A sample, not a record: ids and answers only, never the payload.
  for (const auto& sample : o.shadow_samples) {
    const std::string_view kind = metrics::name(sample.kind);
    ShadowLog().Write(log::Level::kInfo, kind, "shadow config disagrees",
                      {{"kind", kind}, {"account", sample.account_id}, {"event_id", sample.event_id},
                       {"live", sample.live}, {"shadow", sample.shadow}});
  }
}

}  // namespace riskd::pipeline
