// Fuzz target: a Kafka message -> DecodeEvent -> scoring, the path every
// consumed input record takes. The first two bytes choose the message's
// shape, the rest is its value:
//   byte 0: content-type header: 'j' application/json, 'p'
//           application/x-protobuf, 'x' text/plain, anything else none;
//   byte 1: key: 'k' "acct-42", 'e' empty, anything else no key.
// An accepted event must convert for scoring, apply to a fresh state, and
// that state must serialize to bytes that parse back to the same state.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>

#include "daemon/codec/event_decoder.h"
#include "scoring/engine.h"

namespace {

using namespace riskd;

// 2026-11-28T10:00:00Z: a fixed "now", so runs are reproducible.
constexpr scoring::EpochMicros kNow = 1795860000LL * scoring::kSecond;

const scoring::Engine& TheEngine() {
  static const auto* engine = new scoring::Engine(std::make_shared<const scoring::ScoringConfig>());
  return *engine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  codec::RawMessage msg;
  switch (in[0]) {
    case 'j': msg.content_type = "application/json"; break;
    case 'p': msg.content_type = "application/x-protobuf"; break;
    case 'x': msg.content_type = "text/plain"; break;
    default: break;
  }
  if (in[1] == 'k') msg.key = "acct-42";
  if (in[1] == 'e') msg.key = "";
  msg.value = in.substr(2);

  auto decoded = codec::DecodeEvent(msg, kNow);
  if (!decoded.ok()) {
    if (decoded.error().code.empty()) std::abort();  // every rejection names its reason
    return 0;
  }
  (void)codec::OccurredAtMicros(*decoded);
  auto event = scoring::EventFromProto(*decoded);
  if (!event.ok()) std::abort();  // the codec validated it: scoring must take it
  scoring::AccountState state;
  TheEngine().Apply(state, *event);
  const std::string bytes = state.Serialize();
  auto parsed = scoring::AccountState::Parse(bytes);
  if (!parsed.ok() || !(*parsed == state)) std::abort();
  return 0;
}
