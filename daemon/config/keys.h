// The one table of config keys: the daemon's own, then scoring's knob table
// (scoring/config.h). The loader sets through it, the dump and
// configVersion read through it, and the sample deploy/riskd.yaml is
// checked against it. Internal to riskd_config.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "daemon/config/config.h"

namespace riskd::config {

enum class KeyKind {
  kBool,        // bool
  kInt,         // std::int64_t
  kBytes,       // std::int64_t, written 65536 or 64KiB/64MiB/1GiB
  kDouble,      // double
  kDuration,    // scoring::DurationMicros
  kString,      // std::string
  kChoice,      // std::string, one of Key::choices
  kListen,      // std::string, host:port
  kStringList,  // std::vector<std::string>
  kStringMap,   // std::map<std::string, std::string>
  kTokens,      // TokenTable
  kLevel,       // scoring::Level
  kDecision,    // scoring::Decision
  kFactorList,  // std::vector<scoring::Factor>
};

struct Key {
  std::string path;  // full YAML path, e.g. "http.read_timeout"
  KeyKind kind = KeyKind::kString;
  void* target = nullptr;  // into the Config passed to ListKeys
  std::string help;  // one line: what it controls
  // kInt, kBytes, kDuration: inclusive bounds checked by the loader.
  // Scoring knobs keep the full range: scoring::Validate bounds them.
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  std::vector<std::string> choices;  // kChoice only
  bool non_empty = false;            // kString, kStringList: empty is an error
};

// Every key of `config` in a stable order (append only: it feeds
// configVersion). Targets point into `config`, which must outlive the list.
std::vector<Key> ListKeys(Config& config);

// One key's value as JSON, as DumpEffective prints it (dump.cc); secrets
// "<redacted>" when `redact_secrets`.
std::string KeyValueJson(const Key& key, bool redact_secrets);
// `text` as a JSON string literal.
std::string QuoteJson(const std::string& text);

}  // namespace riskd::config
