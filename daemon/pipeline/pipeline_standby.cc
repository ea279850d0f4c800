// The pipeline's side of standby replicas (kafka.standby_replicas; see
// standby.h and README.md, "Standby replicas"): which partitions the
// StandbyFollower may write, decided on the poll thread, where assignments
// and revocations happen, so that a partition never has two writers.
#include "daemon/pipeline/pipeline.h"

namespace riskd::pipeline {

void Pipeline::SetStandbyPlan(std::set<int32_t> partitions) {
  std::lock_guard lock(standby_mu_);
  standby_plan_ = std::move(partitions);
}

void Pipeline::StartStandby() {
  if (options_.standby_replicas <= 0 || options_.changelog_topic.empty()) return;
  StandbyOptions so;
  so.changelog_topic = options_.changelog_topic;
  so.properties = consumer_options_.properties;
  so.broker_timeout = consumer_options_.broker_timeout;
  so.batch = options_.restore_batch;
  so.cluster_key = options_.cluster_key;
  standby_ = std::make_unique<StandbyFollower>(*deps_.store, *deps_.metrics, *deps_.publisher, so);
}

void Pipeline::ReleaseStandby(const std::vector<kafka::TopicPartition>& assigned) {
  if (!standby_) return;
  for (const auto& tp : assigned) standby_->Release(tp.partition);
}

void Pipeline::ReconcileStandby() {
  if (!standby_) return;
  std::set<int32_t> plan;
  {
    std::lock_guard lock(standby_mu_);
    plan = standby_plan_;
  }
  std::set<int32_t> follow;
  for (int32_t p : plan) {
    // Assigned here (in any state): the pipeline and the Restorer write it.
    // A revoked partition's cancelled restore may still be writing it.
    if (p < 0 || p >= partition_count_.load() || table_->status(p) != PartitionStatus::kNotOwned) continue;
    if (restorer_ && restorer_->Busy(p)) continue;
    follow.insert(p);
  }
  standby_->Want(follow);
}

}  // namespace riskd::pipeline
