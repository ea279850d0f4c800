// Builders and a small harness for scoring tests: readable events at
// readable times, and an account that applies them through the Engine.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "scoring/engine.h"

namespace riskd::scoring::test {

// 2026-11-01T00:00:00Z: a fixed "now" so that every test is reproducible.
inline constexpr EpochMicros kT0 = 1'793'491'200 * kSecond;

struct Ctx {
  std::string device;
  std::string ip;
  std::uint32_t asn = 0;
  std::optional<std::pair<double, double>> location;  // latitude, longitude
};

// The customer's usual context, and two strangers (new device, network and
// ASN each).
inline Ctx Home() { return {"home-laptop", "198.51.100.7", 64500, {}}; }
inline Ctx Stranger() { return {"attacker-vm", "203.0.113.9", 64999, {}}; }
inline Ctx OtherStranger() { return {"cafe-phone", "192.0.2.44", 65001, {}}; }

inline void SetContext(Event& e, const Ctx& c) {
  e.device_id = c.device;
  e.network = NetworkKey(c.ip);
  e.asn = c.asn;
  if (c.location) {
    e.has_location = true;
    e.latitude = c.location->first;
    e.longitude = c.location->second;
  }
}

inline Event Base(std::string id, EpochMicros at, EventKind kind,
                  const Ctx& c) {
  Event e;
  e.id = std::move(id);
  e.occurred_at = at;
  e.kind = kind;
  SetContext(e, c);
  return e;
}

inline Event Login(std::string id, EpochMicros at, bool success,
                   const Ctx& c = {}) {
  Event e = Base(std::move(id), at, EventKind::kLogin, c);
  e.success = success;
  return e;
}

inline Event Reset(std::string id, EpochMicros at,
                   ResetChannel channel = ResetChannel::kEmail,
                   ResetStage stage = ResetStage::kCompleted,
                   const Ctx& c = {}) {
  Event e = Base(std::move(id), at, EventKind::kPasswordReset, c);
  e.reset_channel = channel;
  e.reset_stage = stage;
  return e;
}

inline Event Request(std::string id, EpochMicros at, Action action,
                     std::optional<Destination> deliver_to,
                     bool authenticated, const Ctx& c = {},
                     RequestChannel channel = RequestChannel::kLiveChat) {
  Event e = Base(std::move(id), at, EventKind::kSupportRequest, c);
  e.action = action;
  e.deliver_to = deliver_to;
  e.requester_authenticated = authenticated;
  e.support_channel = channel;
  return e;
}

inline Event Verify(std::string id, EpochMicros at, Factor factor,
                    bool passed) {
  Event e = Base(std::move(id), at, EventKind::kVerification, {});
  e.factor = factor;
  e.success = passed;
  return e;
}

inline Event Change(std::string id, EpochMicros at, ChangeField field,
                    ChangeOperation op) {
  Event e = Base(std::move(id), at, EventKind::kAccountChange, {});
  e.change_field = field;
  e.change_operation = op;
  return e;
}

// One account driven through an Engine with `config`.
class Account {
 public:
  explicit Account(ScoringConfig config = ScoringConfig())
      : engine_(std::make_shared<const ScoringConfig>(std::move(config))) {}

  ApplyResult Apply(const Event& e) { return engine_.Apply(state_, e); }
  RiskReport Risk(EpochMicros as_of) const {
    return engine_.Risk(state_, as_of);
  }
  EvaluateResult Evaluate(const EvaluateRequest& r, EpochMicros as_of) const {
    return engine_.Evaluate(state_, r, as_of);
  }
  AccountState& state() { return state_; }
  const Engine& engine() const { return engine_; }

  // Successful logins from `c` once a day for `days` days ending before
  // `end`: the account's normal life.
  void Routine(EpochMicros end, int days, const Ctx& c) {
    for (int d = days; d >= 1; --d) {
      Apply(Login("routine-" + std::to_string(d), end - d * kDay, true, c));
    }
  }

 private:
  Engine engine_;
  AccountState state_;
};

// The decayed points `rule` contributes to `report`, 0 when absent.
inline double PointsOf(const RiskReport& report, RuleId rule) {
  for (const Reason& r : report.reasons) {
    if (r.rule == rule) return r.points;
  }
  return 0;
}

// The firing of `rule` that `result` reports, if any (a copy, so that it
// may outlive a temporary result).
inline std::optional<Firing> FiringOf(const ApplyResult& result, RuleId rule) {
  for (const Firing& f : result.new_firings) {
    if (f.rule == rule) return f;
  }
  return std::nullopt;
}

inline bool Contains(const std::vector<Factor>& v, Factor f) {
  return std::find(v.begin(), v.end(), f) != v.end();
}
inline bool Contains(const std::vector<Destination>& v, Destination d) {
  return std::find(v.begin(), v.end(), d) != v.end();
}

}  // namespace riskd::scoring::test
