// Fuzz target: stored account state bytes -> AccountState::Parse, then the
// engine on what parsed. A record read back from RocksDB or the changelog
// may be corrupt or hostile: Parse must refuse it or yield a state that
// every later step (apply, risk, evaluate, serialize) handles.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "scoring/engine.h"

namespace {

using namespace riskd;

constexpr scoring::EpochMicros kNow = 1795860000LL * scoring::kSecond;

const scoring::Engine& TheEngine() {
  static const auto* engine = new scoring::Engine(std::make_shared<const scoring::ScoringConfig>());
  return *engine;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto parsed = scoring::AccountState::Parse(in);
  if (!parsed.ok()) return 0;
  scoring::AccountState& state = *parsed;
  // What parses serializes to bytes that parse to the same state.
  auto again = scoring::AccountState::Parse(state.Serialize());
  if (!again.ok() || !(*again == state)) std::abort();

  const auto& engine = TheEngine();
  (void)engine.Risk(state, kNow);
  scoring::EvaluateRequest request;
  request.action = scoring::Action::kSendCredentials;
  request.channel = scoring::RequestChannel::kPhone;
  (void)engine.Evaluate(state, request, kNow);
  scoring::Event login;
  login.id = "fuzz-login";
  login.occurred_at = state.known() ? state.newest_event_at : kNow;
  login.kind = scoring::EventKind::kLogin;
  login.success = true;
  login.device_id = "fuzz-device";
  engine.Apply(state, login);
  auto applied = scoring::AccountState::Parse(state.Serialize());
  if (!applied.ok()) std::abort();
  return 0;
}
