// The event as scoring sees it: a compact, flat copy of riskd.v1.AccountEvent
// with enums already mapped, the network key computed, and analyst labels as
// one more kind of event (so they sit in event-time order like the rest).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "scoring/result.h"
#include "scoring/time.h"
#include "scoring/types.h"

namespace riskd::v1 {
class AccountEvent;
}

namespace riskd::scoring {

enum class EventKind : std::uint8_t {
  kLogin,
  kPasswordReset,
  kSupportRequest,
  kVerification,
  kAccountChange,
  kLabel,  // analyst feedback; the daemon gives it a synthetic event id
};
inline constexpr int kEventKindCount = 6;

enum class ResetStage : std::uint8_t { kRequested, kCompleted };
enum class ResetChannel : std::uint8_t { kEmail, kSms, kSupportAgent };
enum class ChangeField : std::uint8_t {
  kEmail,
  kPhone,
  kMfa,
  kPassword,
  kSupportPin,
  kApiKey,
  kRecoveryOptions,
};
enum class ChangeOperation : std::uint8_t { kAdded, kChanged, kRemoved };

// Only the fields of the event's kind are meaningful; the rest keep their
// defaults. Strings are empty when absent.
struct Event {
  std::string id;  // eventId, 1..128 bytes
  EpochMicros occurred_at = 0;
  EventKind kind = EventKind::kLogin;

  // Context (all optional).
  std::string device_id;
  std::string network;  // "203.0.113.0/24", "2001:db8:1::/48"; "" if no ip
  std::uint32_t asn = 0;  // 0: absent
  bool has_location = false;
  double latitude = 0;
  double longitude = 0;

  // kLogin: result SUCCESS; kVerification: result PASSED.
  bool success = false;
  // kPasswordReset.
  ResetStage reset_stage = ResetStage::kRequested;
  ResetChannel reset_channel = ResetChannel::kEmail;
  // kSupportRequest.
  RequestChannel support_channel = RequestChannel::kLiveChat;
  Action action = Action::kOther;
  std::optional<Destination> deliver_to;
  bool requester_authenticated = false;
  // kVerification.
  Factor factor = Factor::kSupportPin;
  // kAccountChange.
  ChangeField change_field = ChangeField::kEmail;
  ChangeOperation change_operation = ChangeOperation::kAdded;
  // kLabel.
  Label label = Label::kLegitimate;
  std::string note;

  bool operator==(const Event&) const = default;

  bool HasContextKeys() const {
    return !device_id.empty() || !network.empty() || asn != 0;
  }
  bool IsEmailReset() const {
    return kind == EventKind::kPasswordReset &&
           reset_channel == ResetChannel::kEmail;
  }
};

// Converts a decoded AccountEvent (already validated by daemon/codec: one
// payload, required enums set and known) to an Event. Still returns an
// Error ("invalid_event") rather than guessing when the payload count or an
// enum is wrong, so a caller that skipped validation cannot corrupt state.
// An unparsable context.ip only leaves `network` empty.
Result<Event> EventFromProto(const riskd::v1::AccountEvent& proto);

// The network key of an IP address: IPv4 /24 as "a.b.c.0/24", IPv6 /48 as
// "xxxx:xxxx:xxxx::/48" (lowercase hex, no leading zeros); "" when `ip` is
// not an address.
std::string NetworkKey(std::string_view ip);

// An analyst label as an event, for Engine::Apply.
Event LabelEvent(std::string event_id, EpochMicros at, Label label,
                 std::string note);

}  // namespace riskd::scoring
