#include "daemon/store/age_filter.h"

#include <string>

#include "daemon/clock/clock.h"
#include "daemon/store/keys.h"
#include "daemon/store/records.h"

namespace riskd::store {
namespace {

class AgeOutFilter final : public rocksdb::CompactionFilter {
 public:
  AgeOutFilter(scoring::EpochMicros now, scoring::DurationMicros max_idle)
      : now_(now), max_idle_(max_idle) {}

  bool Filter(int /*level*/, const rocksdb::Slice& key, const rocksdb::Slice& value,
              std::string* /*new_value*/, bool* /*value_changed*/) const override {
    return IsExpiredAccount(key, value, now_, max_idle_);
  }
  const char* Name() const override { return "riskd.AgeOutFilter"; }

 private:
  // Fixed for one compaction: every key of it is judged against the same now.
  scoring::EpochMicros now_;
  scoring::DurationMicros max_idle_;
};

class AgeOutFilterFactory final : public rocksdb::CompactionFilterFactory {
 public:
  AgeOutFilterFactory(const Clock* clock, scoring::DurationMicros max_idle)
      : clock_(clock), max_idle_(max_idle) {}

  std::unique_ptr<rocksdb::CompactionFilter> CreateCompactionFilter(
      const rocksdb::CompactionFilter::Context& /*context*/) override {
    return std::make_unique<AgeOutFilter>(clock_->NowMicros(), max_idle_);
  }
  const char* Name() const override { return "riskd.AgeOutFilterFactory"; }

 private:
  const Clock* clock_;
  scoring::DurationMicros max_idle_;
};

}  // namespace

bool IsExpiredAccount(const rocksdb::Slice& key, const rocksdb::Slice& value,
                      scoring::EpochMicros now, scoring::DurationMicros max_idle) {
  if (key.empty() || (key[0] != keys::kAccount && key[0] != keys::kShadowAccount) || max_idle <= 0) return false;
  auto last = DecodeLastEventMicros(std::string_view(value.data(), value.size()));
  if (!last) return false;  // corrupt: keep it for someone to look at
  return now - *last > max_idle;
}

std::unique_ptr<rocksdb::CompactionFilterFactory> NewAgeOutFilterFactory(
    const Clock* clock, scoring::DurationMicros max_idle) {
  return std::make_unique<AgeOutFilterFactory>(clock, max_idle);
}

}  // namespace riskd::store
