// The effects of an event on the account beyond rule firings (SPEC
// sections 3 and 4, README "Familiar contexts", "Clearing", "Taints"):
// familiar contexts, EMAIL resets and the quarantine that follows them,
// taints and forbidden destinations, clearing by verification, labels.
#include <algorithm>

#include "scoring/familiar.h"
#include "scoring/fold.h"
#include "scoring/score.h"

namespace riskd::scoring {
namespace {

// Taints [t, t + period), merged with an interval it overlaps so that an
// earlier start is not forgotten. A late event older than the current,
// disjoint interval leaves it alone.
void Taint(Interval& i, EpochMicros t, DurationMicros period) {
  const Interval next{t, t + period};
  const bool empty = i.until <= i.from;
  if (empty || t > i.until) {
    i = next;
  } else if (t >= i.from) {
    i.until = std::max(i.until, next.until);
  } else if (next.until >= i.from) {
    i = Interval{t, std::max(i.until, next.until)};
  }
}

// Ends `i` at `t` if it had begun by then (a late clearing leaves a later
// interval alone).
void EndAt(Interval& i, EpochMicros t) {
  if (i.from <= t) i.until = std::min(i.until, t);
}

void Clear(Summary& s, EpochMicros t) {
  s.clearings.insert(
      std::upper_bound(s.clearings.begin(), s.clearings.end(), t), t);
  if (s.clearings.size() > kMaxClearings) s.clearings.erase(s.clearings.begin());
  EndAt(s.quarantine, t);
}

// The newest EMAIL reset still taints what follows it at `t`.
bool ResetTaintsAt(const Summary& s, EpochMicros t, const ScoringConfig& c) {
  return s.email_reset && !s.email_reset_forgiven && s.email_reset->at <= t &&
         t - s.email_reset->at < c.taint_period;
}

void OnEmailReset(Summary& s, const Event& e, const ScoringConfig& c) {
  const EpochMicros t = e.occurred_at;
  if (!s.email_reset || t >= s.email_reset->at) {
    s.email_reset = Mark{t, e.id};
    s.email_reset_forgiven = false;
    s.quarantine = Interval{t, t + c.taint_period};
  }
  Taint(s.factor_taints[static_cast<int>(Factor::kEmailOtp)], t, c.taint_period);
  Taint(s.factor_taints[static_cast<int>(Factor::kEmailLink)], t, c.taint_period);
  Taint(s.forbidden[static_cast<int>(Destination::kEmailOnFile)], t, c.taint_period);
  Taint(s.forbidden[static_cast<int>(Destination::kNewEmail)], t, c.taint_period);
}

void OnLogin(Summary& s, const Event& e, bool unfamiliar,
             const ScoringConfig& c) {
  if (!e.success) return;
  const EpochMicros t = e.occurred_at;
  if (!s.quarantine.Contains(t)) RememberContext(s, e, c);
  if (unfamiliar && ResetTaintsAt(s, t, c)) {
    Taint(s.factor_taints[static_cast<int>(Factor::kSupportPin)], t,
          c.taint_period);
  }
}

// Factors enrolled after the reset cannot vouch for the account.
void OnAccountChange(Summary& s, const Event& e, const ScoringConfig& c) {
  const EpochMicros t = e.occurred_at;
  if (e.change_operation == ChangeOperation::kRemoved || !ResetTaintsAt(s, t, c)) {
    return;
  }
  if (e.change_field == ChangeField::kMfa) {
    Taint(s.factor_taints[static_cast<int>(Factor::kTotp)], t, c.taint_period);
    Taint(s.factor_taints[static_cast<int>(Factor::kWebauthn)], t, c.taint_period);
  } else if (e.change_field == ChangeField::kPhone) {
    Taint(s.factor_taints[static_cast<int>(Factor::kSmsOtp)], t, c.taint_period);
  }
}

void OnVerification(Summary& s, const Event& e, const ScoringConfig& c) {
  if (!e.success) return;  // failures only feed failed_verification_burst
  const EpochMicros t = e.occurred_at;
  auto& last = s.last_passed[static_cast<int>(e.factor)];
  last = std::max(last, t);
  // Acceptable at that moment: the bar of the level just before, untainted.
  const bool strong = LevelAt(s, t, c) >= Level::kHigh;
  const auto& set = strong ? c.strong_factors : c.standard_factors;
  const bool in_set = std::find(set.begin(), set.end(), e.factor) != set.end();
  if (in_set && !IsTainted(s, e.factor, t)) Clear(s, t);
}

void OnLabel(Summary& s, const Event& e) {
  const EpochMicros t = e.occurred_at;
  LabelRecord record{t, e.label, e.id, e.note.substr(0, kMaxNoteBytes)};
  auto pos = std::upper_bound(
      s.labels.begin(), s.labels.end(), t,
      [](EpochMicros at, const LabelRecord& l) { return at < l.at; });
  s.labels.insert(pos, std::move(record));
  if (s.labels.size() > kMaxLabels) s.labels.erase(s.labels.begin());
  if (e.label != Label::kLegitimate) return;
  // LEGITIMATE clears points, taints and quarantine as of its time.
  Clear(s, t);
  for (Interval& i : s.factor_taints) EndAt(i, t);
  for (Interval& i : s.forbidden) EndAt(i, t);
  if (s.email_reset && s.email_reset->at <= t) s.email_reset_forgiven = true;
}

}  // namespace

void ApplyEffects(Summary& s, const Event& e, bool unfamiliar,
                  const ScoringConfig& c) {
  switch (e.kind) {
    case EventKind::kLogin:
      OnLogin(s, e, unfamiliar, c);
      break;
    case EventKind::kPasswordReset:
      if (e.IsEmailReset()) OnEmailReset(s, e, c);
      break;
    case EventKind::kSupportRequest:
      break;
    case EventKind::kVerification:
      OnVerification(s, e, c);
      break;
    case EventKind::kAccountChange:
      OnAccountChange(s, e, c);
      break;
    case EventKind::kLabel:
      OnLabel(s, e);
      break;
  }
}

}  // namespace riskd::scoring
