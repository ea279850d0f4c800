// Rate limiting for repetitive log lines, so that a flood of bad input
// cannot flood the log.
//
// Lines are grouped by a caller-chosen key (a rejection reason, a peer
// address class, ...). Per key, at most `lines_per_interval` lines are
// written in each window of `interval`, which starts at the first line of
// the key; further lines in that window are counted, not written. Once the
// window has passed, one summary line is written at the same level and
// component:
//   {"level":"warn","component":"kafka","msg":"suppressed 41 similar lines",
//    "key":"malformed","suppressed":"41","interval_seconds":"60"}
// The summary goes out on the first Write (of any key) or Tick() after the
// window ends, or on Flush(); the destructor flushes, so a summary is not
// lost at shutdown. Owners with a periodic task call Tick() from it so a
// flood that stopped is summarized within a window.
//
// Time comes from the injected clock, so tests drive it by hand.
// Thread-safe: one mutex, taken once per call. Meant for the bad-input and
// error paths, not for lines written on every event.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "daemon/log/log.h"

namespace riskd::log {

struct RateLimitOptions {
  // Lines written per key in each window; the rest are counted. 0 writes
  // only the summaries.
  int64_t lines_per_interval = 10;
  // Length of a window, and so the longest a summary waits to go out.
  std::chrono::nanoseconds interval = std::chrono::seconds(60);
  // Distinct keys tracked; lines of keys beyond this share the key "other",
  // so a caller that passes unbounded keys cannot grow memory without bound.
  size_t max_keys = 256;
};

class RateLimitedLogger {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `component` is the component field of every line. `clock` defaults to
  // std::chrono::steady_clock::now.
  explicit RateLimitedLogger(std::string component, RateLimitOptions options = {}, Clock clock = {});
  ~RateLimitedLogger();
  RateLimitedLogger(const RateLimitedLogger&) = delete;
  RateLimitedLogger& operator=(const RateLimitedLogger&) = delete;

  // Writes the line through log::Write unless `key` is over its budget.
  // Returns true if the line was written. A line below the log level is
  // dropped without using budget.
  bool Write(Level level, std::string_view key, std::string_view message,
             std::initializer_list<Field> fields = {});
  bool Warn(std::string_view key, std::string_view message, std::initializer_list<Field> fields = {}) {
    return Write(Level::kWarn, key, message, fields);
  }
  bool Error(std::string_view key, std::string_view message, std::initializer_list<Field> fields = {}) {
    return Write(Level::kError, key, message, fields);
  }

  // Writes the summaries of the windows that have ended.
  void Tick();

  // Writes the summary of every key with suppressed lines now, whether or
  // not its window has ended, and starts fresh windows.
  void Flush();

  // Lines suppressed since construction, over all keys (for tests and
  // diagnostics).
  int64_t suppressed_total() const;

 private:
  struct Window {
    std::chrono::steady_clock::time_point start;
    int64_t written = 0;
    int64_t suppressed = 0;
    Level level = Level::kWarn;  // level of the last suppressed line, used by the summary
  };

  // Writes the summaries of ended windows and forgets those keys. Holds mu_.
  void SweepLocked(std::chrono::steady_clock::time_point now);
  void SummarizeLocked(const std::string& key, const Window& window);

  const std::string component_;
  const RateLimitOptions options_;
  const Clock clock_;
  mutable std::mutex mu_;
  std::map<std::string, Window, std::less<>> windows_;  // guarded by mu_
  std::chrono::steady_clock::time_point next_sweep_;    // guarded by mu_
  int64_t suppressed_total_ = 0;                         // guarded by mu_
};

}  // namespace riskd::log
