#include "tests/integration/harness/fixture.h"

#include <chrono>
#include <cstdlib>
#include <random>

namespace riskd::it {

void IntegrationTest::SetUp() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  dir_ = std::filesystem::temp_directory_path() /
         ("riskd-it-" + std::string(info->name()) + "-" + std::to_string(std::random_device{}()));
  std::filesystem::create_directories(dir_);
  // The mock cluster has no CreateTopics: the changelog of the default
  // group is made here, co-partitioned with the input.
  auto cluster = kafka::EmbeddedCluster::Start({kInput, kDecisions, kDeadLetters, kChangelog}, kPartitions);
  ASSERT_TRUE(cluster.ok()) << cluster.error().message;
  cluster_ = std::move(*cluster);
  // riskd's membership topic for the default group (daemon/cluster): one
  // partition, as riskd creates it against a real cluster.
  ASSERT_TRUE(cluster_->CreateTopic("riskd-members", 1).ok());
}

void IntegrationTest::TearDown() {
  cluster_.reset();
  if (!HasFailure() && std::getenv("RISKD_IT_KEEP") == nullptr) {
    std::filesystem::remove_all(dir_);
  } else {
    std::fprintf(stderr, "riskd-it: kept %s for inspection\n", dir_.c_str());  // on failure or RISKD_IT_KEEP
  }
}

std::unique_ptr<RiskdProcess> IntegrationTest::NewRiskd(const std::string& name, RiskdConfig config) {
  config.bootstrap = bootstrap();
  return std::make_unique<RiskdProcess>(dir_ / name, std::move(config));
}

const scoring::Engine& IntegrationTest::DefaultEngine() {
  static const scoring::Engine engine(std::make_shared<const scoring::ScoringConfig>());
  return engine;
}

scoring::EpochMicros IntegrationTest::WallNow() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

scoring::EpochMicros IntegrationTest::BaseTime() {
  const auto t = WallNow() - 3 * scoring::kDay;
  return t - t % scoring::kHour;
}

}  // namespace riskd::it
