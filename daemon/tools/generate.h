// riskctl generate: deterministic synthetic traffic with labels.
//
// Streaming by day slices: for each UTC day of the period, every account's
// events of that day (its habits, plus the part of an attack that falls in
// that day) are generated into one buffer, sorted by (occurredAt, account,
// sequence) and written. The output is therefore globally ordered by event
// time, as replay needs, and memory holds one day of traffic (~100 bytes an
// event: 10 million events over 30 days is ~35 MB), never the whole stream.
// Each (seed, account, day) has its own random stream, so the bytes depend
// only on the options.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "daemon/tools/attacks.h"
#include "daemon/tools/record_io.h"
#include "scoring/result.h"
#include "scoring/time.h"

namespace riskd::tools {

struct GenerateOptions {
  std::uint64_t seed = 1;          // same seed, same bytes
  std::uint32_t accounts = 1000;   // customers acct-0000000 .. N-1
  int days = 30;                   // length of the period, 1 .. 10000
  double attack_rate = 0.02;       // share of accounts attacked, 0 .. 1
  // Start of the period (UTC midnight is usual): 2026-11-01T00:00:00Z.
  scoring::EpochMicros start = 1'793'491'200LL * scoring::kSecond;
};

struct GenerateStats {
  std::uint64_t events = 0;
  std::uint32_t attacked_accounts = 0;
  std::array<std::uint32_t, kAttackKindCount> attacks_by_kind{};
};

// Problems with the options, all at once; empty when usable.
std::string CheckGenerateOptions(const GenerateOptions& options);

// Writes the events to `events` (in `format`) and one labels row per account
// to `labels_path`.
Result<GenerateStats> Generate(const GenerateOptions& options,
                               const std::string& events_path,
                               RecordFormat format,
                               const std::string& labels_path);

}  // namespace riskd::tools
