// The generator's compact event: ~90 bytes of integers instead of a protobuf
// message with strings, so that a whole day of traffic can be buffered and
// sorted cheaply. Converted to riskd.v1.AccountEvent only when written.
#pragma once

#include <cstdint>

#include "riskd/v1/account_event.pb.h"
#include "scoring/time.h"

namespace riskd::tools {

enum class Payload : std::uint8_t {
  kLogin, kPasswordReset, kSupportRequest, kVerification, kAccountChange
};

// The kind of client, for the user agent string.
enum class Agent : std::uint8_t { kNone, kLaptop, kPhone, kScript, kHeadless };

struct SynthContext {
  bool present = false;
  Agent agent = Agent::kNone;
  bool has_coordinates = false;
  std::uint16_t city = 0;       // index into Cities(), for the country
  std::uint32_t ip = 0;         // 0: no ip
  std::uint32_t asn = 0;        // 0: no asn
  std::uint64_t device = 0;     // 0: no device id
  double latitude = 0;
  double longitude = 0;
};

struct SynthEvent {
  scoring::EpochMicros occurred_at = 0;
  std::uint32_t account = 0;
  // (account, day, seq) is unique per event; the event id is a bijective
  // scramble of it, so ids are unique and carry no hint of the truth.
  std::uint16_t day = 0;
  std::uint16_t seq = 0;
  Payload payload = Payload::kLogin;
  // The payload's enums as riskd.v1 enum numbers, by payload:
  //   login            a = Login.Result, b = Login.Method
  //   passwordReset    a = Stage, b = Channel
  //   supportRequest   a = Channel, b = Action, c = Destination
  //   verification     a = Factor, b = Result
  //   accountChange    a = Field, b = Operation, c = Actor
  std::uint8_t a = 0, b = 0, c = 0;
  bool flag = false;  // login.mfaPassed / supportRequest.requesterAuthenticated
  std::uint32_t ticket = 0;  // support request / verification ticket number
  SynthContext context;
};

// Sorting key of the output: event time, then account, then sequence, so
// that the stream is globally ordered by occurredAt and the order is total.
inline bool EventOrder(const SynthEvent& x, const SynthEvent& y) {
  if (x.occurred_at != y.occurred_at) return x.occurred_at < y.occurred_at;
  if (x.account != y.account) return x.account < y.account;
  if (x.day != y.day) return x.day < y.day;
  return x.seq < y.seq;
}

// "acct-0000042".
std::string AccountName(std::uint32_t account);

// Fills `out` (cleared first). `seed` scrambles event ids so that two
// streams generated with different seeds do not share ids.
void ToProto(const SynthEvent& event, std::uint64_t seed,
             riskd::v1::AccountEvent* out);

}  // namespace riskd::tools
