// The sealed summary of an account: everything the rules, taints, clearing
// and labels need, folded from events in event-time order (scoring/fold.h).
// Internal to scoring/ in spirit; public only because AccountState holds it.
// Every container here is bounded (see the comment on each).
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "scoring/time.h"
#include "scoring/types.h"

namespace riskd::scoring {

inline constexpr EpochMicros kNever = std::numeric_limits<EpochMicros>::min();

// A remembered event: when, and its id as evidence.
struct Mark {
  EpochMicros at = 0;
  std::string event_id;
  bool operator==(const Mark&) const = default;
};

// A half-open span of event time [from, until); empty when until <= from.
struct Interval {
  EpochMicros from = 0;
  EpochMicros until = 0;
  bool Contains(EpochMicros t) const { return from <= t && t < until; }
  bool operator==(const Interval&) const = default;
};

// One familiar value (hash of a device id, network or ASN) and when a
// successful login last showed it.
struct FamiliarValue {
  std::uint64_t key = 0;
  EpochMicros last_seen = 0;
  bool operator==(const FamiliarValue&) const = default;
};

enum class ContextKind : std::uint8_t { kDevice, kNetwork, kAsn };
inline constexpr int kContextKindCount = 3;

// The most recent firing of one rule, as stored.
struct StoredFiring {
  EpochMicros fired_at = 0;
  double points = 0;  // undecayed, bonus included
  std::vector<std::string> event_ids;
  std::string detail;
  bool operator==(const StoredFiring&) const = default;
};

struct Located {
  EpochMicros at = 0;
  double latitude = 0;
  double longitude = 0;
  std::string event_id;
  bool operator==(const Located&) const = default;
};

struct LabelRecord {
  EpochMicros at = 0;
  Label label = Label::kLegitimate;
  std::string event_id;
  std::string note;
  bool operator==(const LabelRecord&) const = default;
};

inline constexpr std::size_t kMaxClearings = 8;  // newest kept
inline constexpr std::size_t kMaxLabels = 64;    // newest kept
inline constexpr std::size_t kMaxNoteBytes = 1024;

struct Summary {
  // Familiar contexts per ContextKind, at most max_familiar_per_kind each.
  std::array<std::vector<FamiliarValue>, kContextKindCount> familiar;

  // The newest EMAIL reset (any stage) and whether a LEGITIMATE label has
  // since forgiven it (then it taints nothing more).
  std::optional<Mark> email_reset;
  bool email_reset_forgiven = false;
  // Successful logins in here do not become familiar.
  Interval quarantine;

  // Rule memories (bounded by the rule's count knob, at most 1000).
  std::vector<Mark> failed_verifications;
  std::vector<Mark> failed_logins;
  std::vector<Mark> reset_requests;
  std::optional<Located> last_located_login;

  // The most recent firing of each rule, indexed by RuleId.
  std::array<std::optional<StoredFiring>, kRuleCount> firings;

  // Times of clearings (acceptable verification, LEGITIMATE), ascending.
  std::vector<EpochMicros> clearings;

  // Indexed by Factor / Destination.
  std::array<Interval, kFactorCount> factor_taints;
  std::array<Interval, kDestinationCount> forbidden;
  // Newest passed verification per factor; kNever if none.
  std::array<EpochMicros, kFactorCount> last_passed;

  // Analyst labels, ascending by time, kept for backtesting.
  std::vector<LabelRecord> labels;

  Summary() { last_passed.fill(kNever); }
  bool operator==(const Summary&) const = default;
};

}  // namespace riskd::scoring
