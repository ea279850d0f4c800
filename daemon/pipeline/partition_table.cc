#include "daemon/pipeline/partition_table.h"

namespace riskd::pipeline {

const char* StatusName(PartitionStatus status) {
  switch (status) {
    case PartitionStatus::kNotOwned: return "not_owned";
    case PartitionStatus::kChecking: return "checking";
    case PartitionStatus::kActive: return "active";
    case PartitionStatus::kStale: return "stale";
    case PartitionStatus::kRestoring: return "restoring";
  }
  return "unknown";
}

PartitionTable::PartitionTable(int32_t partition_count) {
  for (int32_t i = 0; i < partition_count; ++i) slots_.push_back(std::make_unique<Slot>());
}

PartitionTable::Slot* PartitionTable::slot(int32_t partition) {
  if (partition < 0 || partition >= partition_count()) return nullptr;
  return slots_[partition].get();
}

PartitionStatus PartitionTable::status(int32_t partition) const {
  if (partition < 0 || partition >= partition_count()) return PartitionStatus::kNotOwned;
  return slots_[partition]->status.load();
}

void PartitionTable::set_status(int32_t partition, PartitionStatus status) {
  if (partition >= 0 && partition < partition_count()) slots_[partition]->status.store(status);
}

std::vector<int32_t> PartitionTable::With(PartitionStatus status) const {
  std::vector<int32_t> out;
  for (int32_t i = 0; i < partition_count(); ++i) {
    if (slots_[i]->status.load() == status) out.push_back(i);
  }
  return out;
}

std::vector<PartitionStatus> PartitionTable::Statuses() const {
  std::vector<PartitionStatus> out;
  out.reserve(slots_.size());
  for (const auto& slot : slots_) {
    const auto status = slot->status.load();
    const bool held_back = slot->catching_up.load() || slot->changelog_blocked.load();
    out.push_back(status == PartitionStatus::kActive && held_back ? PartitionStatus::kRestoring : status);
  }
  return out;
}

bool PartitionTable::ChangelogBlocked(int32_t partition) const {
  return partition >= 0 && partition < partition_count() && slots_[partition]->changelog_blocked.load();
}

bool PartitionTable::Serving(int32_t partition) const {
  if (partition < 0 || partition >= partition_count()) return false;
  const auto& slot = *slots_[partition];
  return slot.status.load() == PartitionStatus::kActive && !slot.catching_up.load() &&
         !slot.changelog_blocked.load();
}

}  // namespace riskd::pipeline
