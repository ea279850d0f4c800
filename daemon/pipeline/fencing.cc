#include "daemon/pipeline/fencing.h"

#include <algorithm>

namespace riskd::pipeline {

std::string_view FenceReasonName(FenceVerdict verdict) {
  switch (verdict) {
    case FenceVerdict::kApply: return "applied";
    case FenceVerdict::kOlderEpoch: return "older_epoch";
    case FenceVerdict::kInvalidClaim: return "invalid_claim";
  }
  return "unknown";
}

FenceDecision Fence(int64_t newest, bool claim, int64_t epoch, int64_t offset) {
  // A claim proves its epoch by its position: it is valid only where the
  // changelog was exactly as long as the state its owner held. One that
  // landed later was superseded before its owner wrote anything under it.
  if (claim && epoch != offset) return {FenceVerdict::kInvalidClaim, newest};
  if (epoch < newest) return {FenceVerdict::kOlderEpoch, newest};
  return {FenceVerdict::kApply, std::max(newest, epoch)};
}

}  // namespace riskd::pipeline
