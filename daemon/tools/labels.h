// The labels file: the truth a backtest measures against. CSV with a header
// line, one row per account:
//
//   account_id,label,attack_kind,attack_start
//   acct-0000001,benign,,
//   acct-0000002,attacked,mailbox_takeover_credentials,2026-11-09T14:03:11Z
//
// `label` is `attacked` or `benign`; `attack_kind` is free text (the
// generator's kinds, or an analyst's); `attack_start` is RFC 3339, the time
// of the attacker's first event. Accounts missing from the file count as
// benign. Account ids must not contain commas or quotes.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "scoring/result.h"
#include "scoring/time.h"

namespace riskd::tools {

struct LabelRow {
  std::string account;
  bool attacked = false;
  std::string attack_kind;                // empty for benign
  scoring::EpochMicros attack_start = 0;  // 0 for benign
};

// The header line, newline included.
inline constexpr const char* kLabelsHeader =
    "account_id,label,attack_kind,attack_start\n";

// One row as a CSV line, newline included.
std::string FormatLabel(const LabelRow& row);

// Every row of `path`; every bad line is named (line number and why) in one
// error so a hand-edited file can be fixed in one go.
Result<std::vector<LabelRow>> ReadLabels(const std::string& path);

}  // namespace riskd::tools
