#include "tests/integration/harness/state_reader.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "daemon/clock/clock.h"
#include "daemon/codec/event_decoder.h"
#include "daemon/store/state_store.h"

namespace riskd::it {

StoredState ReadStateDir(const std::string& dir) {
  SystemClock clock;
  store::StoreOptions options;
  options.dir = dir;
  options.clock = &clock;
  options.read_only = true;
  auto store = store::StateStore::Open(options);
  if (!store) throw std::runtime_error(store.error().message);
  StoredState out;
  for (int32_t p : (*store)->Partitions()) {
    auto s = (*store)->ForEachAccount(p, [&](std::string_view id, const store::AccountRecord& record) {
      auto state = scoring::AccountState::Parse(record.state);
      if (!state) throw std::runtime_error("state of " + std::string(id) + " does not parse");
      out.accounts.emplace(std::string(id), std::move(*state));
      out.partition_of[std::string(id)] = p;
    });
    if (!s) throw std::runtime_error(s.error().message);
    for (const char* topic : {"account-events"}) {
      auto offset = (*store)->GetNextOffset(p, topic);
      if (offset && offset->has_value()) out.offsets[p][topic] = **offset;
    }
    auto outbox = (*store)->ReadOutbox(p, 0, 1'000'000);
    if (outbox) out.outbox_entries += outbox->size();
  }
  return out;
}

Reference ComputeReference(const std::vector<kafka::ConsumedMessage>& messages, const scoring::Engine& engine,
                           scoring::EpochMicros now) {
  std::vector<const kafka::ConsumedMessage*> ordered;
  for (const auto& m : messages) ordered.push_back(&m);
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) {
    return std::tie(a->partition, a->offset) < std::tie(b->partition, b->offset);
  });
  Reference out;
  for (const auto* m : ordered) {
    codec::RawMessage raw{m->value, std::nullopt, std::nullopt};
    if (m->has_key) raw.key = m->key;
    auto proto = codec::DecodeEvent(raw, now);
    if (!proto) continue;
    auto event = scoring::EventFromProto(*proto);
    if (!event) continue;
    auto& state = out.accounts[proto->account_id()];
    auto r = engine.Apply(state, *event);
    if (r.publish_update) out.updates.emplace(proto->account_id(), event->id);
  }
  return out;
}

int CountMismatches(const StoredState& stored, const Reference& reference, const scoring::Engine& engine,
                    scoring::EpochMicros as_of) {
  int mismatched = 0;
  for (const auto& [account, expected] : reference.accounts) {
    auto it = stored.accounts.find(account);
    if (it == stored.accounts.end() || !(it->second == expected)) {
      ++mismatched;
      continue;
    }
    const auto want = engine.Risk(expected, as_of);
    const auto got = engine.Risk(it->second, as_of);
    mismatched += std::memcmp(&want.score, &got.score, sizeof(double)) != 0 || want.level != got.level;
  }
  return mismatched;
}

}  // namespace riskd::it
