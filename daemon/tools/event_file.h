// Reads an events file (JSON lines or length-delimited protobuf, by
// extension) through the daemon's own decoder, so a record the daemon would
// reject is rejected here for the same reason, and hands each valid event to
// a callback in file order.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "daemon/tools/replay.h"
#include "scoring/event.h"
#include "scoring/result.h"

namespace riskd::tools {

using EventCallback =
    std::function<void(std::string_view account, const scoring::Event& event)>;

// Counts records and rejections (by reason) in `stats`. Fails only when the
// file cannot be read or its framing is broken; bad events are counted and
// skipped, as the daemon would dead-letter them.
Status ReadEventFile(const std::string& path, StreamStats& stats,
                     const EventCallback& callback);

// ReadEventFile into a Replayer over `configs`, timed.
Result<ReplayResult> ReplayFile(
    const std::string& events_path,
    std::vector<std::shared_ptr<const scoring::ScoringConfig>> configs,
    const std::vector<LabelRow>& labels, bool has_labels,
    ReplayOptions options = {});

}  // namespace riskd::tools
