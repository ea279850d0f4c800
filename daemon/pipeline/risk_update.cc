#include "daemon/pipeline/risk_update.h"

#include "daemon/codec/risk_update_json.h"
#include "scoring/proto_enums.h"

namespace riskd::pipeline {

void SetTimestamp(scoring::EpochMicros micros, google::protobuf::Timestamp* out) {
  // Floor division: a time before the epoch keeps nanos in [0, 1e9).
  int64_t seconds = micros / scoring::kSecond;
  int64_t rest = micros % scoring::kSecond;
  if (rest < 0) {
    rest += scoring::kSecond;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

v1::RiskUpdate MakeRiskUpdate(std::string_view account_id, std::string_view trigger_event_id,
                              scoring::EpochMicros occurred_at, const scoring::ApplyResult& result,
                              std::string_view config_version) {
  v1::RiskUpdate u;
  u.set_account_id(std::string(account_id));
  u.set_trigger_event_id(std::string(trigger_event_id));
  u.set_score(result.report.score);
  u.set_level(scoring::ToProto(result.level));
  u.set_previous_level(scoring::ToProto(result.previous_level));
  for (const auto& reason : result.report.reasons) {
    auto* r = u.add_reasons();
    r->set_rule(std::string(scoring::name(reason.rule)));
    r->set_points(reason.points);
    SetTimestamp(reason.fired_at, r->mutable_fired_at());
    for (const auto& id : reason.event_ids) r->add_event_ids(id);
    r->set_detail(reason.detail);
  }
  for (auto f : result.report.tainted_factors) u.add_tainted_factors(scoring::ToProto(f));
  SetTimestamp(occurred_at, u.mutable_occurred_at());
  u.set_config_version(std::string(config_version));
  return u;
}

std::string EncodeRiskUpdate(const v1::RiskUpdate& update, UpdateFormat format) {
  if (format == UpdateFormat::kProtobuf) return update.SerializeAsString();
  return codec::RiskUpdateToJson(update);  // ToJson's bytes, without its reflection
}

std::string_view ContentType(UpdateFormat format) {
  return format == UpdateFormat::kProtobuf ? "application/x-protobuf" : "application/json";
}

}  // namespace riskd::pipeline
