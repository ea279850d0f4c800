// scoring's answers as the API's bodies (riskd.v1 RiskResponse,
// EvaluateResponse). No I/O; the handlers print them with JsonResponse.
#pragma once

#include <string>
#include <string_view>

#include "riskd/v1/risk.pb.h"
#include "scoring/engine.h"

namespace riskd::http {

// A known account's risk.
v1::RiskResponse RenderRisk(std::string_view account_id, const scoring::RiskReport& report,
                            std::string_view config_version);

// An account never seen: known false, score 0, LOW, nothing tainted, no
// updatedAt (SPEC section 5: not an error).
v1::RiskResponse RenderUnknownAccount(std::string_view account_id, std::string_view config_version);

v1::EvaluateResponse RenderEvaluate(const scoring::EvaluateResult& result, std::string_view decision_id,
                                    std::string_view config_version);

}  // namespace riskd::http
