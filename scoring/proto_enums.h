// Conversions between scoring's enums (types.h) and the riskd.v1 proto
// enums. Kept out of types.h so that most of scoring/ compiles without
// protobuf headers. FromProto gives nullopt for 0 (unspecified) and for
// numbers the schema does not define.
#pragma once

#include <optional>

#include "riskd/v1/common.pb.h"
#include "riskd/v1/risk.pb.h"
#include "scoring/types.h"

namespace riskd::scoring {

v1::Level ToProto(Level v);
v1::Factor ToProto(Factor v);
v1::Destination ToProto(Destination v);
v1::Action ToProto(Action v);
v1::RequestChannel ToProto(RequestChannel v);
v1::Decision ToProto(Decision v);
v1::Label ToProto(Label v);

std::optional<Level> FromProto(v1::Level v);
std::optional<Factor> FromProto(v1::Factor v);
std::optional<Destination> FromProto(v1::Destination v);
std::optional<Action> FromProto(v1::Action v);
std::optional<RequestChannel> FromProto(v1::RequestChannel v);
std::optional<Decision> FromProto(v1::Decision v);
std::optional<Label> FromProto(v1::Label v);

}  // namespace riskd::scoring
