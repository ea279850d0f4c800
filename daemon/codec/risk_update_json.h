// The RiskUpdate's proto3 JSON (SPEC section 6), written directly instead of
// through protobuf's reflection-driven JSON printer: riskd writes one per
// rule firing or level change, on the ingest path, and the generic printer
// cost ~15% of the state engine's time (bench/README.md). The output is
// byte-for-byte what ToJson(update) prints (tests/daemon/codec compare the
// two on random updates); for anything outside the common case (a string
// with bytes beyond printable ASCII or HTML-sensitive characters, a
// non-finite number, a timestamp outside years 1..9999) it simply calls
// ToJson.
#pragma once

#include <string>

#include "riskd/v1/risk.pb.h"

namespace riskd::codec {

std::string RiskUpdateToJson(const riskd::v1::RiskUpdate& update);

// The direct writer alone: false (and `out` unspecified) when `update` needs
// the general printer. For the tests, which check that it is really used.
bool RiskUpdateToJsonDirect(const riskd::v1::RiskUpdate& update, std::string* out);

}  // namespace riskd::codec
