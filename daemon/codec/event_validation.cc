#include "daemon/codec/event_validation.h"

#include <string>
#include <vector>

#include "daemon/codec/event_decoder.h"
#include "daemon/codec/field_limits.h"

namespace riskd::codec {
namespace {

namespace v1 = riskd::v1;

// google.protobuf.Timestamp's valid range: 0001-01-01T00:00:00Z to
// 9999-12-31T23:59:59.999999999Z.
constexpr std::int64_t kMinTimestampSeconds = -62135596800;
constexpr std::int64_t kMaxTimestampSeconds = 253402300799;

Error Reject(std::string_view code, std::string message) {
  return Error{std::string(code), std::move(message)};
}

Status CheckId(const std::string& value, const char* name) {
  if (value.empty()) return Reject(kRejectMissingField, std::string(name) + ": required");
  if (value.size() > kMaxIdBytes) {
    return Reject(kRejectInvalidField, std::string(name) + ": longer than " +
                                           std::to_string(kMaxIdBytes) + " bytes");
  }
  return OkStatus();
}

// Every row of field_limits.h; ids were checked above, the rest here.
Status CheckStringLimits(const v1::AccountEvent& e) {
  for (const StringFieldLimit& limit : kStringFieldLimits) {
    if (limit.value(e).size() > limit.max_bytes) {
      return Reject(kRejectInvalidField, std::string(limit.path) + ": longer than " +
                                             std::to_string(limit.max_bytes) + " bytes");
    }
  }
  return OkStatus();
}

// A zero enum is "unspecified", which SPEC section 2 counts as missing.
Status Require(bool set, const char* path) {
  if (set) return OkStatus();
  return Reject(kRejectMissingField, std::string(path) + ": required");
}

Status CheckPayload(const v1::AccountEvent& e) {
  std::vector<const char*> present;
  if (e.has_login()) present.push_back("login");
  if (e.has_password_reset()) present.push_back("passwordReset");
  if (e.has_support_request()) present.push_back("supportRequest");
  if (e.has_verification()) present.push_back("verification");
  if (e.has_account_change()) present.push_back("accountChange");
  if (present.empty()) {
    return Reject(kRejectPayloadCount,
                  "payload: none of login, passwordReset, supportRequest, verification, "
                  "accountChange is set; exactly one is required");
  }
  if (present.size() > 1) {
    std::string names;
    for (const char* n : present) names += (names.empty() ? "" : ", ") + std::string(n);
    return Reject(kRejectPayloadCount, "payload: " + names + " are all set; exactly one is allowed");
  }

  if (e.has_login()) return Require(e.login().result() != 0, "login.result");
  if (e.has_password_reset()) {
    const auto& p = e.password_reset();
    if (auto s = Require(p.stage() != 0, "passwordReset.stage"); !s) return s;
    return Require(p.channel() != 0, "passwordReset.channel");
  }
  if (e.has_support_request()) {
    const auto& p = e.support_request();
    if (auto s = Require(p.channel() != 0, "supportRequest.channel"); !s) return s;
    return Require(p.requested_action() != 0, "supportRequest.requestedAction");
  }
  if (e.has_verification()) {
    const auto& p = e.verification();
    if (auto s = Require(p.method() != 0, "verification.method"); !s) return s;
    return Require(p.result() != 0, "verification.result");
  }
  const auto& p = e.account_change();
  if (auto s = Require(p.field() != 0, "accountChange.field"); !s) return s;
  return Require(p.operation() != 0, "accountChange.operation");
}

// Coordinates feed impossible_travel's distance; NaN or out-of-range values
// would make scores non-reproducible, so they are rejected here.
Status CheckContext(const v1::AccountEvent& e) {
  if (!e.has_context()) return OkStatus();
  const auto& c = e.context();
  if (c.has_latitude() && !(c.latitude() >= -90.0 && c.latitude() <= 90.0)) {
    return Reject(kRejectInvalidField, "context.latitude: outside [-90, 90]");
  }
  if (c.has_longitude() && !(c.longitude() >= -180.0 && c.longitude() <= 180.0)) {
    return Reject(kRejectInvalidField, "context.longitude: outside [-180, 180]");
  }
  return OkStatus();
}

}  // namespace

Status ValidateEvent(const v1::AccountEvent& e, std::optional<std::string_view> key,
                     scoring::EpochMicros now, scoring::DurationMicros max_future_skew) {
  if (auto s = CheckId(e.event_id(), "eventId"); !s) return s;
  if (auto s = CheckId(e.account_id(), "accountId"); !s) return s;
  if (!e.has_occurred_at()) return Reject(kRejectMissingField, "occurredAt: required");
  const auto& ts = e.occurred_at();
  if (ts.seconds() < kMinTimestampSeconds || ts.seconds() > kMaxTimestampSeconds ||
      ts.nanos() < 0 || ts.nanos() > 999'999'999) {
    return Reject(kRejectInvalidField, "occurredAt: outside 0001-01-01..9999-12-31");
  }
  if (auto s = CheckStringLimits(e); !s) return s;
  if (auto s = CheckPayload(e); !s) return s;
  if (auto s = CheckContext(e); !s) return s;
  if (key && !key->empty() && *key != e.account_id()) {
    return Reject(kRejectKeyMismatch, "accountId: differs from the message key");
  }
  if (OccurredAtMicros(e) > now + max_future_skew) {
    return Reject(kRejectFutureTimestamp, "occurredAt: more than " +
                                              std::to_string(max_future_skew / scoring::kSecond) +
                                              "s after now");
  }
  return OkStatus();
}

}  // namespace riskd::codec
