#include "daemon/http/render.h"

#include <string>

#include "daemon/http/timestamps.h"
#include "scoring/proto_enums.h"

namespace riskd::http {
namespace {

void RenderReasons(const std::vector<scoring::Reason>& reasons,
                   google::protobuf::RepeatedPtrField<v1::Reason>* out) {
  for (const auto& reason : reasons) {
    v1::Reason* r = out->Add();
    r->set_rule(std::string(scoring::name(reason.rule)));
    r->set_points(reason.points);
    SetTimestamp(reason.fired_at, r->mutable_fired_at());
    for (const auto& id : reason.event_ids) r->add_event_ids(id);
    r->set_detail(reason.detail);
  }
}

}  // namespace

v1::RiskResponse RenderRisk(std::string_view account_id, const scoring::RiskReport& report,
                            std::string_view config_version) {
  v1::RiskResponse out;
  out.set_account_id(std::string(account_id));
  out.set_known(report.known);
  out.set_score(report.score);
  out.set_level(scoring::ToProto(report.level));
  RenderReasons(report.reasons, out.mutable_reasons());
  for (auto factor : report.tainted_factors) out.add_tainted_factors(scoring::ToProto(factor));
  for (auto destination : report.forbidden_destinations) {
    out.add_forbidden_destinations(scoring::ToProto(destination));
  }
  if (report.known) SetTimestamp(report.updated_at, out.mutable_updated_at());
  out.set_config_version(std::string(config_version));
  return out;
}

v1::RiskResponse RenderUnknownAccount(std::string_view account_id, std::string_view config_version) {
  v1::RiskResponse out;
  out.set_account_id(std::string(account_id));
  out.set_known(false);
  out.set_score(0);
  out.set_level(v1::LOW);
  out.set_config_version(std::string(config_version));
  return out;
}

v1::EvaluateResponse RenderEvaluate(const scoring::EvaluateResult& result, std::string_view decision_id,
                                    std::string_view config_version) {
  v1::EvaluateResponse out;
  out.set_decision_id(std::string(decision_id));
  out.set_decision(scoring::ToProto(result.decision));
  for (auto factor : result.acceptable_factors) out.add_acceptable_factors(scoring::ToProto(factor));
  for (auto destination : result.forbidden_destinations) {
    out.add_forbidden_destinations(scoring::ToProto(destination));
  }
  out.set_score(result.report.score);
  out.set_level(scoring::ToProto(result.report.level));
  RenderReasons(result.report.reasons, out.mutable_reasons());
  out.set_config_version(std::string(config_version));
  return out;
}

}  // namespace riskd::http
