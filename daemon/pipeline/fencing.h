// Fencing of changelog records (daemon/pipeline/README.md, "Fencing"): the
// one rule restores and standbys use to apply or drop a changelog record.
//
// Every record carries its writer's ownership epoch of the partition
// (header riskd-epoch; 0 when absent: written before fencing). An owner's
// epoch is the changelog offset of its claim record; a claim is valid only
// when it sits at exactly that offset. Reading a partition's changelog in
// offset order, a reader keeps the newest epoch it applied and
//   * applies a valid claim that is not older (its epoch becomes the newest),
//   * drops a claim that is not where it says (a late claim: its owner saw
//     it land elsewhere and never wrote under it),
//   * applies any other record whose epoch is >= the newest (the newest
//     becomes its epoch), and drops one from an older epoch: a record a
//     previous owner had queued that landed after a newer owner's.
//
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace riskd::pipeline {

enum class FenceVerdict {
  kApply,
  kOlderEpoch,    // from an older epoch than one applied: a zombie's late record
  kInvalidClaim,  // a claim that did not land at its own epoch
};

// The `reason` label of riskd_changelog_fenced_records_total.
std::string_view FenceReasonName(FenceVerdict verdict);

struct FenceDecision {
  FenceVerdict verdict = FenceVerdict::kApply;
  int64_t newest = 0;  // the newest epoch applied after this record
};

// `newest`: the newest epoch applied so far for the partition (0 when
// none); `claim`: the record is a claim; `epoch`: its riskd-epoch (0 when
// absent); `offset`: its changelog offset.
FenceDecision Fence(int64_t newest, bool claim, int64_t epoch, int64_t offset);

}  // namespace riskd::pipeline
