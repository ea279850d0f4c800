// The engine and configVersion in force. Swapped whole on config reload;
// a batch (or a label) takes one snapshot and keeps it to the end, so every
// RiskUpdate of a batch carries one configVersion.
//
// Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "scoring/engine.h"

namespace riskd::pipeline {

struct ScoringSnapshot {
  ScoringSnapshot() = default;
  ScoringSnapshot(std::shared_ptr<const scoring::Engine> engine, std::string config_version,
                  std::shared_ptr<const scoring::Engine> shadow_engine = nullptr, std::string shadow_version = {})
      : engine(std::move(engine)),
        config_version(std::move(config_version)),
        shadow_engine(std::move(shadow_engine)),
        shadow_version(std::move(shadow_version)) {}

  std::shared_ptr<const scoring::Engine> engine;
  std::string config_version;
  // The candidate of scoring.shadow_config (null: none), applied beside the
  // live engine to its own states; never affects answers or RiskUpdates.
  std::shared_ptr<const scoring::Engine> shadow_engine;
  std::string shadow_version;
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
