// Size bounds mirroring AccountState's byte format (account_state.cc): each
// function walks the same fields in the same order as the writer, counting
// a time or signed number at its longest varint (10 bytes).
#include "scoring/state_budget.h"

#include <algorithm>

namespace riskd::scoring {
namespace {

constexpr std::size_t kTime = 10;    // I64: zigzag varint, at most 10 bytes
constexpr std::size_t kFixed = 8;    // Fixed64, Double
constexpr std::size_t kSeenId = kFixed + kTime;
constexpr std::size_t kInterval = 2 * kTime;

std::size_t VarintLen(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

std::size_t StringLen(std::size_t bytes) { return VarintLen(bytes) + bytes; }

std::size_t MarksLen(const std::vector<Mark>& marks) {
  std::size_t n = VarintLen(marks.size());
  for (const Mark& m : marks) n += kTime + StringLen(m.event_id.size());
  return n;
}

std::size_t SummaryLen(const Summary& s) {
  std::size_t n = 0;
  for (const auto& values : s.familiar) n += VarintLen(values.size()) + values.size() * (kFixed + kTime);
  n += 1 + (s.email_reset ? kTime + StringLen(s.email_reset->event_id.size()) : 0);
  n += 1 + kInterval;
  n += MarksLen(s.failed_verifications) + MarksLen(s.failed_logins) + MarksLen(s.reset_requests);
  n += 1 + (s.last_located_login ? kTime + 2 * kFixed + StringLen(s.last_located_login->event_id.size()) : 0);
  for (const auto& f : s.firings) {
    n += 1;
    if (!f) continue;
    n += kTime + kFixed + VarintLen(f->event_ids.size()) + StringLen(f->detail.size());
    for (const std::string& id : f->event_ids) n += StringLen(id.size());
  }
  n += VarintLen(s.clearings.size()) + s.clearings.size() * kTime;
  n += s.factor_taints.size() * kInterval + s.forbidden.size() * kInterval;
  n += s.last_passed.size() * kTime;
  n += VarintLen(s.labels.size());
  for (const LabelRecord& l : s.labels) n += kTime + 1 + StringLen(l.event_id.size()) + StringLen(l.note.size());
  return n;
}

// A stored id or generated detail at its longest (engine.cc cuts ids to
// 256 bytes; details are short generated text).
constexpr std::uint64_t kIdLen = 2 + 256;
constexpr std::uint64_t kDetailLen = 2 + 256;

std::uint64_t Count(const ScoringConfig& c, RuleId rule) {
  return static_cast<std::uint64_t>(std::max<std::int64_t>(c.rule(rule).count, 1));
}

}  // namespace

std::size_t EventSizeBound(const Event& e) {
  // id, time, kind, device id, network, asn (<= 5), location (1 + 16),
  // 12 one-byte fields, note.
  return StringLen(e.id.size()) + kTime + 1 + StringLen(e.device_id.size()) + StringLen(e.network.size()) + 5 +
         1 + 2 * kFixed + 12 + StringLen(e.note.size());
}

std::size_t SerializedSizeBound(const AccountState& state) {
  std::size_t n = 3 + 1 + kTime;  // magic, version, newest_event_at
  n += SummaryLen(state.sealed);
  n += VarintLen(state.pending.size());
  for (const Event& e : state.pending) n += EventSizeBound(e);
  n += VarintLen(state.seen_ids.size()) + state.seen_ids.size() * kSeenId;
  return n;
}

std::uint64_t IrreducibleStateBytes(const ScoringConfig& c) {
  const auto familiar = static_cast<std::uint64_t>(std::max<std::int64_t>(c.max_familiar_per_kind, 0));
  std::uint64_t n = 3 + 1 + kTime;
  n += kContextKindCount * (VarintLen(familiar) + familiar * (kFixed + kTime));
  n += 1 + kTime + kIdLen + 1 + kInterval;  // email reset, forgiven, quarantine
  for (RuleId burst : {RuleId::kFailedVerificationBurst, RuleId::kFailedLoginBurst, RuleId::kResetBurst}) {
    n += VarintLen(Count(c, burst)) + Count(c, burst) * (kTime + kIdLen);
  }
  n += 1 + kTime + 2 * kFixed + kIdLen;  // last located login
  for (int r = 0; r < kRuleCount; ++r) {
    const auto rule = static_cast<RuleId>(r);
    const bool burst = rule == RuleId::kFailedVerificationBurst || rule == RuleId::kFailedLoginBurst ||
                       rule == RuleId::kResetBurst;
    const std::uint64_t evidence = burst ? Count(c, rule) : 2;
    n += 1 + kTime + kFixed + VarintLen(evidence) + evidence * kIdLen + kDetailLen;
  }
  n += VarintLen(kMaxClearings) + kMaxClearings * kTime;
  n += (kFactorCount + kDestinationCount) * kInterval + kFactorCount * kTime;
  n += VarintLen(kMaxLabels) + kMaxLabels * (kTime + 1 + kIdLen + 1);  // notes trimmed
  n += 1 + 1;  // no pending events, no remembered ids
  return n;
}

}  // namespace riskd::scoring
