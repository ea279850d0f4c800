// decisionId: 128 random bits from OpenSSL's CSPRNG as 32 lowercase hex
// digits. Unique without coordination between instances, and unguessable,
// so an id seen in a support tool says nothing about other decisions.
#pragma once

#include <string>

#include "scoring/result.h"

namespace riskd::http {

// Error code "internal" only if the CSPRNG fails (it never should).
Result<std::string> NewDecisionId();

}  // namespace riskd::http
