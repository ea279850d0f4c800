// The rule interface inside scoring/: one function per rule, one file per
// rule (scoring/rules/<rule_name>.cc). Internal to scoring/.
//
// A rule check sees the event being folded and the summary *before* the
// event's shared effects (familiar contexts, resets, taints, clearing) are
// applied, may update its own memory in the summary (burst marks, last
// located login) and nothing else, and returns Evidence when the event
// completes the rule; the rule then fires at the event's time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scoring/config.h"
#include "scoring/event.h"
#include "scoring/familiar.h"
#include "scoring/summary.h"

namespace riskd::scoring::rules {

struct RuleInput {
  const Event& event;
  const RuleConfig& rule;
  Familiarity familiarity;
};

struct Evidence {
  double points = 0;  // undecayed
  std::vector<std::string> event_ids;
  std::string detail;  // for people; never secrets
};

using RuleCheck = std::optional<Evidence> (*)(const RuleInput& in,
                                              Summary& summary);

std::optional<Evidence> EmailResetThenSensitiveRequest(const RuleInput&, Summary&);
std::optional<Evidence> EmailResetThenUnfamiliarLogin(const RuleInput&, Summary&);
std::optional<Evidence> RecoveryChangeAfterReset(const RuleInput&, Summary&);
std::optional<Evidence> UnfamiliarContext(const RuleInput&, Summary&);
std::optional<Evidence> UnauthenticatedSensitiveRequest(const RuleInput&, Summary&);
std::optional<Evidence> FailedVerificationBurst(const RuleInput&, Summary&);
std::optional<Evidence> FailedLoginBurst(const RuleInput&, Summary&);
std::optional<Evidence> ImpossibleTravel(const RuleInput&, Summary&);
std::optional<Evidence> ResetBurst(const RuleInput&, Summary&);
std::optional<Evidence> MfaRemoved(const RuleInput&, Summary&);

// The check of `rule`.
RuleCheck CheckOf(RuleId rule);

// --- Shared by several rules (scoring/rules/common.cc) ---------------------

// The newest EMAIL reset at or before `t` and no more than `window` before,
// unless a LEGITIMATE label has forgiven it.
const Mark* EmailResetWithin(const Summary& summary, EpochMicros t,
                             DurationMicros window);

// Adds `event` to `marks` (ascending by time, then id) and returns the ids
// of the `count` marks ending at it when they all lie within `window`
// before it. Keeps at most `count` marks, and none older than `window`
// before the newest.
std::optional<std::vector<std::string>> AddToBurst(std::vector<Mark>& marks,
                                                   const Event& event,
                                                   DurationMicros window,
                                                   std::int64_t count);

}  // namespace riskd::scoring::rules
