#include "scoring/familiar.h"

#include <algorithm>
#include <array>

namespace riskd::scoring {
namespace {

struct Keys {
  std::array<std::optional<std::uint64_t>, kContextKindCount> of_kind;
};

Keys KeysOf(const Event& e) {
  Keys k;
  if (!e.device_id.empty()) k.of_kind[0] = StableHash(e.device_id);
  if (!e.network.empty()) k.of_kind[1] = StableHash(e.network);
  if (e.asn != 0) k.of_kind[2] = e.asn;  // an ASN is its own key
  return k;
}

}  // namespace

std::uint64_t StableHash(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  // splitmix64 finalizer: spreads FNV's weak low bits.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

Familiarity Judge(const Summary& s, const Event& e, const ScoringConfig& c) {
  if (!e.HasContextKeys()) return Familiarity::kNotJudged;
  const EpochMicros oldest = e.occurred_at - c.familiar_window;
  const Keys keys = KeysOf(e);
  bool any_live = false;
  for (int kind = 0; kind < kContextKindCount; ++kind) {
    for (const FamiliarValue& v : s.familiar[kind]) {
      if (v.last_seen < oldest) continue;
      any_live = true;
      if (keys.of_kind[kind] == v.key) return Familiarity::kFamiliar;
    }
  }
  return any_live ? Familiarity::kUnfamiliar : Familiarity::kNotJudged;
}

void RememberContext(Summary& s, const Event& e, const ScoringConfig& c) {
  const Keys keys = KeysOf(e);
  const EpochMicros t = e.occurred_at;
  const auto cap = static_cast<std::size_t>(c.max_familiar_per_kind);
  for (int kind = 0; kind < kContextKindCount; ++kind) {
    std::vector<FamiliarValue>& values = s.familiar[kind];
    std::erase_if(values, [&](const FamiliarValue& v) {
      return v.last_seen < t - c.familiar_window;
    });
    if (!keys.of_kind[kind]) continue;
    const std::uint64_t key = *keys.of_kind[kind];
    auto it = std::find_if(values.begin(), values.end(),
                           [key](const FamiliarValue& v) { return v.key == key; });
    if (it != values.end()) {
      it->last_seen = std::max(it->last_seen, t);
    } else {
      values.push_back(FamiliarValue{key, t});
    }
    while (values.size() > cap) {
      values.erase(std::min_element(
          values.begin(), values.end(),
          [](const FamiliarValue& a, const FamiliarValue& b) {
            return a.last_seen != b.last_seen ? a.last_seen < b.last_seen
                                              : a.key < b.key;
          }));
    }
  }
}

}  // namespace riskd::scoring
