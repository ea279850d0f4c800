// The daemon's one source of time. Production code asks a Clock; tests pass a
// ManualClock so that "now" is a value they choose (LevelDB reads time only
// through Env, Envoy through TimeSource; same idea).
//
// Thread-safe: NowMicros() may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>

#include "scoring/time.h"

namespace riskd {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (UTC, microseconds since the epoch).
  virtual scoring::EpochMicros NowMicros() const = 0;
};

// The real clock. The only place in the daemon that reads system time.
class SystemClock final : public Clock {
 public:
  scoring::EpochMicros NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told to. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(scoring::EpochMicros now) : now_(now) {}
  scoring::EpochMicros NowMicros() const override { return now_.load(); }
  void Set(scoring::EpochMicros now) { now_.store(now); }
  void Advance(scoring::DurationMicros d) { now_.fetch_add(d); }

 private:
  std::atomic<scoring::EpochMicros> now_;
};

}  // namespace riskd
