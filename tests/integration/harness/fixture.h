// The base fixture of end-to-end tests: a mock Kafka cluster hosted by the
// test process (so it survives riskd being killed) with riskd's topics, a
// temp directory removed afterwards, and helpers to start riskd processes.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "daemon/kafka/embedded_cluster.h"
#include "scoring/engine.h"
#include "tests/integration/harness/checks.h"
#include "tests/integration/harness/events.h"
#include "tests/integration/harness/http_client.h"
#include "tests/integration/harness/kafka_helpers.h"
#include "tests/integration/harness/riskd_process.h"
#include "tests/integration/harness/state_reader.h"

namespace riskd::it {

class IntegrationTest : public ::testing::Test {
 protected:
  static constexpr int kPartitions = 4;
  const std::string kInput = "account-events";
  const std::string kDecisions = "risk-decisions";
  const std::string kDeadLetters = "account-events.dlq";
  const std::string kChangelog = "riskd-state-changelog";  // group "riskd"'s default

  void SetUp() override;
  void TearDown() override;

  const std::string& bootstrap() const { return cluster_->bootstrap(); }
  kafka::EmbeddedCluster& cluster() { return *cluster_; }

  // A riskd in <tmp>/<name> pointed at this cluster.
  std::unique_ptr<RiskdProcess> NewRiskd(const std::string& name, RiskdConfig config = {});
  // An engine with the default scoring config (what riskd runs without a
  // `scoring:` section).
  static const scoring::Engine& DefaultEngine();
  // The wall clock (events must not be in the future for riskd).
  static scoring::EpochMicros WallNow();
  // A recent, whole-hour time a couple of days back: event times start here.
  static scoring::EpochMicros BaseTime();

  std::filesystem::path dir_;
  std::unique_ptr<kafka::EmbeddedCluster> cluster_;
};

}  // namespace riskd::it
