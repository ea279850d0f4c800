// Structured one-line JSON logs on stderr:
//   {"ts":"…","level":"info","component":"kafka","msg":"…","partition":"3"}
// Never pass tokens, hashes or raw event payloads as fields.
// Thread-safe: each line is written with one write(2).
// Lines that bad input can repeat (rejections, client errors) go through
// RateLimitedLogger in rate_limit.h, so a flood cannot flood the log.
#pragma once

#include <initializer_list>
#include <string_view>
#include <utility>

namespace riskd::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

using Field = std::pair<std::string_view, std::string_view>;

// Lines below `level` are dropped. Default: kInfo.
void SetLevel(Level level);
bool ParseLevel(std::string_view text, Level* level);
bool Enabled(Level level);

void Write(Level level, std::string_view component, std::string_view message,
           std::initializer_list<Field> fields = {});

inline void Debug(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kDebug, c, m, f); }
inline void Info(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kInfo, c, m, f); }
inline void Warn(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kWarn, c, m, f); }
inline void Error(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { Write(Level::kError, c, m, f); }

}  // namespace riskd::log
