#include "daemon/log/rate_limit.h"

#include <cstdio>
#include <utility>

namespace riskd::log {
namespace {

using TimePoint = std::chrono::steady_clock::time_point;

constexpr std::string_view kOverflowKey = "other";

std::string FormatSeconds(std::chrono::nanoseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", std::chrono::duration<double>(d).count());
  return buf;
}

}  // namespace

RateLimitedLogger::RateLimitedLogger(std::string component, RateLimitOptions options, Clock clock)
    : component_(std::move(component)),
      options_(options),
      clock_(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); })),
      next_sweep_(TimePoint::max()) {}

RateLimitedLogger::~RateLimitedLogger() { Flush(); }

void RateLimitedLogger::Tick() {
  const TimePoint now = clock_();
  std::lock_guard lock(mu_);
  if (now >= next_sweep_) SweepLocked(now);
}

bool RateLimitedLogger::Write(Level level, std::string_view key, std::string_view message,
                              std::initializer_list<Field> fields) {
  if (!Enabled(level)) return false;
  const TimePoint now = clock_();
  std::lock_guard lock(mu_);
  if (now >= next_sweep_) SweepLocked(now);

  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= options_.max_keys) key = kOverflowKey;
    it = windows_.find(key);
    if (it == windows_.end()) {
      it = windows_.emplace(std::string(key), Window{.start = now}).first;
      const TimePoint end = now + options_.interval;
      if (end < next_sweep_) next_sweep_ = end;
    }
  }
  Window& w = it->second;
  if (w.written < options_.lines_per_interval) {
    ++w.written;
    log::Write(level, component_, message, fields);
    return true;
  }
  ++w.suppressed;
  w.level = level;
  ++suppressed_total_;
  return false;
}

void RateLimitedLogger::Flush() {
  std::lock_guard lock(mu_);
  for (const auto& [key, window] : windows_) SummarizeLocked(key, window);
  windows_.clear();
  next_sweep_ = TimePoint::max();
}

int64_t RateLimitedLogger::suppressed_total() const {
  std::lock_guard lock(mu_);
  return suppressed_total_;
}

void RateLimitedLogger::SweepLocked(TimePoint now) {
  next_sweep_ = TimePoint::max();
  for (auto it = windows_.begin(); it != windows_.end();) {
    const TimePoint end = it->second.start + options_.interval;
    if (end <= now) {
      SummarizeLocked(it->first, it->second);
      it = windows_.erase(it);
    } else {
      if (end < next_sweep_) next_sweep_ = end;
      ++it;
    }
  }
}

void RateLimitedLogger::SummarizeLocked(const std::string& key, const Window& window) {
  if (window.suppressed == 0) return;
  const std::string count = std::to_string(window.suppressed);
  const std::string message = "suppressed " + count + " similar lines";
  const std::string interval = FormatSeconds(options_.interval);
  log::Write(window.level, component_, message,
             {{"key", key}, {"suppressed", count}, {"interval_seconds", interval}});
}

}  // namespace riskd::log
