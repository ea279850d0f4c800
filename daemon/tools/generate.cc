#include "daemon/tools/generate.h"

#include <algorithm>
#include <vector>

#include <google/protobuf/util/json_util.h>

#include "daemon/tools/benign.h"
#include "daemon/tools/labels.h"
#include "daemon/tools/synth_event.h"
#include "daemon/tools/world.h"

namespace riskd::tools {
namespace {

using scoring::EpochMicros;
using scoring::kDay;

// Attacks span at most two days after their start (attacks.h).
constexpr int kAttackSpanDays = 3;

Status WriteLabels(const GenerateOptions& o, const std::string& path,
                   GenerateStats& stats) {
  auto writer = RecordWriter::Open(path, RecordFormat::kJsonLines);
  if (!writer.ok()) return writer.error();
  std::string header = kLabelsHeader;
  header.pop_back();  // RecordWriter adds the newline
  (*writer)->Write(header);
  for (std::uint32_t a = 0; a < o.accounts; ++a) {
    const AttackPlan plan = PlanAttack(o.seed, a, o.attack_rate, o.start, o.days);
    LabelRow row;
    row.account = AccountName(a);
    if (plan.attacked) {
      row.attacked = true;
      row.attack_kind = std::string(name(plan.kind));
      row.attack_start = plan.start;
      ++stats.attacked_accounts;
      ++stats.attacks_by_kind[static_cast<int>(plan.kind)];
    }
    std::string line = FormatLabel(row);
    line.pop_back();
    (*writer)->Write(line);
  }
  return (*writer)->Close();
}

// Serializes one event in the chosen form into `out`.
void Encode(const riskd::v1::AccountEvent& event, RecordFormat format,
            std::string& out) {
  out.clear();
  if (format == RecordFormat::kDelimitedProto) {
    event.SerializeToString(&out);
    return;
  }
  // Compact proto3 JSON (defaults omitted): the standard mapping, which is
  // what producers send and what the codec reads.
  (void)google::protobuf::util::MessageToJsonString(event, &out);
}

}  // namespace

std::string CheckGenerateOptions(const GenerateOptions& o) {
  std::string problems;
  auto add = [&](const char* p) {
    if (!problems.empty()) problems += "; ";
    problems += p;
  };
  if (o.accounts == 0) add("--accounts must be at least 1");
  if (o.days < 1 || o.days > 10000) add("--days must be in 1..10000");
  if (!(o.attack_rate >= 0 && o.attack_rate <= 1)) add("--attack-rate must be in [0, 1]");
  return problems;
}

Result<GenerateStats> Generate(const GenerateOptions& o,
                               const std::string& events_path,
                               RecordFormat format,
                               const std::string& labels_path) {
  if (std::string problems = CheckGenerateOptions(o); !problems.empty()) {
    return Error{"invalid_argument", problems};
  }
  GenerateStats stats;
  if (Status s = WriteLabels(o, labels_path, stats); !s.ok()) return s.error();

  auto writer = RecordWriter::Open(events_path, format);
  if (!writer.ok()) return writer.error();
  const EpochMicros period_end = o.start + static_cast<EpochMicros>(o.days) * kDay;

  std::vector<SynthEvent> day_events;
  std::vector<SynthEvent> attack_events;
  riskd::v1::AccountEvent proto;
  std::string encoded;
  for (int day = 0; day < o.days; ++day) {
    const EpochMicros day_start = o.start + static_cast<EpochMicros>(day) * kDay;
    const EpochMicros day_end = day_start + kDay;
    day_events.clear();
    for (std::uint32_t a = 0; a < o.accounts; ++a) {
      const Profile profile = BuildProfile(o.seed, a, o.days);
      GenerateBenignDay(profile, o.seed, day, day_start, day_events);
      const AttackPlan plan = PlanAttack(o.seed, a, o.attack_rate, o.start, o.days);
      if (!plan.attacked) continue;
      const int first_day = static_cast<int>((plan.start - o.start) / kDay);
      if (day < first_day - 1 || day > first_day + kAttackSpanDays) continue;
      // Regenerated on each day it touches; only this day's part is kept.
      attack_events.clear();
      GenerateAttack(profile, plan, o.seed, o.start, attack_events);
      for (const SynthEvent& e : attack_events) {
        if (e.occurred_at >= day_start && e.occurred_at < day_end &&
            e.occurred_at < period_end) {
          day_events.push_back(e);
        }
      }
    }
    std::sort(day_events.begin(), day_events.end(), EventOrder);
    for (const SynthEvent& e : day_events) {
      ToProto(e, o.seed, &proto);
      Encode(proto, format, encoded);
      (*writer)->Write(encoded);
    }
    stats.events += day_events.size();
  }
  if (Status s = (*writer)->Close(); !s.ok()) return s.error();
  return stats;
}

}  // namespace riskd::tools
