// The engine and configVersion in force. Swapped whole on config reload;
// a batch (or a label) takes one snapshot and keeps it to the end, so every
// RiskUpdate of a batch carries one configVersion.
//
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "scoring/engine.h"

namespace riskd::pipeline {

struct ScoringSnapshot {
  std::shared_ptr<const scoring::Engine> engine;
  std::string config_version;
};

class ScoringHolder {
 public:
  explicit ScoringHolder(std::shared_ptr<const ScoringSnapshot> initial) : current_(std::move(initial)) {}
  std::shared_ptr<const ScoringSnapshot> Get() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void Set(std::shared_ptr<const ScoringSnapshot> next) {
    std::lock_guard lock(mu_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const ScoringSnapshot> current_;
};

}  // namespace riskd::pipeline
