// The RiskUpdate of SPEC section 6, built from an ApplyResult, and its bytes
// on the decisions topic.
#pragma once

#include <string>
#include <string_view>

#include "daemon/pipeline/pipeline_options.h"
#include "riskd/v1/risk.pb.h"
#include "scoring/engine.h"

namespace riskd::pipeline {

v1::RiskUpdate MakeRiskUpdate(std::string_view account_id, std::string_view trigger_event_id,
                              scoring::EpochMicros occurred_at, const scoring::ApplyResult& result,
                              std::string_view config_version);

// proto3 JSON (codec::ToJson) or binary protobuf.
std::string EncodeRiskUpdate(const v1::RiskUpdate& update, UpdateFormat format);
// The content-type header value for `format`.
std::string_view ContentType(UpdateFormat format);

// google.protobuf.Timestamp from microseconds.
void SetTimestamp(scoring::EpochMicros micros, google::protobuf::Timestamp* out);

}  // namespace riskd::pipeline
