// The public face of scoring/: apply an event to an account's state, ask for
// the account's risk, and evaluate a support action. Pure functions of their
// arguments: no I/O, no clock, no globals. Safe to call concurrently on
// different states; an AccountState is not internally synchronized.
//
// This header is the contract the daemon, riskctl replay and the tests code
// against. The semantics are written down in scoring/README.md.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/account_state.h"
#include "scoring/config.h"
#include "scoring/event.h"
#include "scoring/time.h"
#include "scoring/types.h"

namespace riskd::scoring {

// One rule firing: the most recent firing of a rule in event time.
struct Firing {
  RuleId rule;
  EpochMicros fired_at = 0;
  double points = 0;  // undecayed points of this firing
  std::vector<std::string> event_ids;  // the events that caused it
  std::string detail;  // human-readable, no secrets
  bool shadow = false;  // reported, never scored
};

// A rule's contribution to a score as of some moment.
struct Reason {
  RuleId rule;
  double points = 0;  // decayed
  EpochMicros fired_at = 0;
  std::vector<std::string> event_ids;
  std::string detail;
};

struct RiskReport {
  bool known = false;  // the account has been seen (an event or a label)
  double score = 0;    // capped sum of decayed contributions
  Level level = Level::kLow;
  std::vector<Reason> reasons;  // live (non-shadow) contributions, score order
  std::vector<Factor> tainted_factors;
  std::vector<Destination> forbidden_destinations;
  EpochMicros updated_at = 0;  // event time of the newest applied event/label
};

enum class ApplyOutcome {
  kApplied,    // state changed
  kDuplicate,  // event id seen within the duplicate window; state unchanged
};

struct ApplyResult {
  ApplyOutcome outcome = ApplyOutcome::kApplied;
  // The event was later than allowed_lateness behind the newest event of the
  // account: applied to what it can still affect, outside event-time order.
  bool late = false;
  // Firings (live and shadow) that this event caused or changed, including
  // firings of earlier-arrived events that it completed out of order.
  std::vector<Firing> new_firings;
  Level previous_level = Level::kLow;  // as of the event's time, before
  Level level = Level::kLow;           // as of the event's time, after
  // True when a RiskUpdate must be published: a live rule fired or the
  // level changed.
  bool publish_update = false;
  RiskReport report;  // as of the event's time, after applying it
};

struct EvaluateRequest {
  Action action = Action::kOther;
  RequestChannel channel = RequestChannel::kSelfService;
  std::optional<Destination> deliver_to;
  bool requester_authenticated = false;
};

struct EvaluateResult {
  Decision decision = Decision::kAllow;
  std::vector<Factor> acceptable_factors;
  std::vector<Destination> forbidden_destinations;
  RiskReport report;
  std::vector<std::string> why;  // short policy explanations, for audit
};

// An Engine binds a validated config. Cheap to share; immutable.
class Engine {
 public:
  explicit Engine(std::shared_ptr<const ScoringConfig> config);

  const ScoringConfig& config() const { return *config_; }

  // Applies one event (or analyst label) to `state`. Exactly once per event
  // id within the duplicate window: a repeat returns kDuplicate and leaves
  // `state` byte-for-byte unchanged. Texts longer than the state format
  // keeps (ids over 256 bytes, notes over 1 KiB, device ids over 4 KiB) are
  // stored cut; the state always parses again. Afterwards the state's bytes
  // are at most config().max_state_bytes (README "State byte budget": label
  // notes, then pending events sealed early, then remembered ids are
  // trimmed; never what decides a score or a taint).
  ApplyResult Apply(AccountState& state, const Event& event) const;

  // The account's risk as of `as_of`.
  RiskReport Risk(const AccountState& state, EpochMicros as_of) const;

  // May support perform `request` on this account at `as_of`?
  EvaluateResult Evaluate(const AccountState& state,
                          const EvaluateRequest& request,
                          EpochMicros as_of) const;

 private:
  // Folds the state's view afresh into its cache (account_state.h).
  Summary& Rebuild(AccountState& state) const;

  std::shared_ptr<const ScoringConfig> config_;
};

}  // namespace riskd::scoring
