// Decay, score, level, clearing and taints as of a moment, read from a
// summary (SPEC section 3 "Score", README "Score"). Internal to scoring/.
#pragma once

#include "scoring/config.h"
#include "scoring/summary.h"

namespace riskd::scoring {

inline constexpr double kMaxScore = 100;

// points * 2^-((as_of - fired_at) / half_life).
double Decayed(double points, EpochMicros fired_at, EpochMicros as_of,
               DurationMicros half_life);

// A firing at `fired_at` no longer counts at `as_of` when a clearing
// happened at or after it and at or before `as_of`.
bool IsCleared(const Summary& summary, EpochMicros fired_at,
               EpochMicros as_of);

// The decayed points `rule` contributes at `as_of`; 0 when it has no
// firing, is not live, fired after `as_of`, or was cleared.
double Contribution(const Summary& summary, RuleId rule, EpochMicros as_of,
                    const ScoringConfig& config);

// Sum of contributions in RuleId order (so the bits never depend on
// anything else), capped at kMaxScore.
double ScoreAt(const Summary& summary, EpochMicros as_of,
               const ScoringConfig& config);

Level LevelForScore(double score, const Thresholds& thresholds);

// The latest label at or before `as_of` is COMPROMISED.
bool PinnedCompromised(const Summary& summary, EpochMicros as_of);

// LevelForScore, raised to CRITICAL while pinned COMPROMISED.
Level LevelAt(const Summary& summary, EpochMicros as_of,
              const ScoringConfig& config);

bool IsTainted(const Summary& summary, Factor factor, EpochMicros as_of);
bool IsForbidden(const Summary& summary, Destination destination,
                 EpochMicros as_of);

}  // namespace riskd::scoring
