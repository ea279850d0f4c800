// Compaction filter that ages out idle accounts: an account state whose
// newest event is older than `max_idle` before now is dropped when its SST
// is compacted. Only account records ('a' keys, and their shadow states, 's')
// are considered; offsets and outbox entries are never touched. Reads the
// 8-byte last-event prefix, never parses the state.
#pragma once

#include <memory>

#include <rocksdb/compaction_filter.h>

#include "scoring/time.h"

namespace riskd {
class Clock;
}

namespace riskd::store {

std::unique_ptr<rocksdb::CompactionFilterFactory> NewAgeOutFilterFactory(
    const Clock* clock, scoring::DurationMicros max_idle);

// The decision alone, for tests.
bool IsExpiredAccount(const rocksdb::Slice& key, const rocksdb::Slice& value,
                      scoring::EpochMicros now, scoring::DurationMicros max_idle);

}  // namespace riskd::store
