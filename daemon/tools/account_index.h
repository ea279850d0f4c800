// Account id -> dense index, for the replay loop, which looks one up per
// event. Open addressing over a power-of-two table of (hash, index) pairs:
// one probe sequence in a flat array instead of a node-based map's pointer
// chase, and no string is built to look an id up.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace riskd::tools {

class AccountIndex {
 public:
  // The index of `name`, adding it (as size() before the call) if new.
  // `added` tells which happened.
  std::uint32_t FindOrAdd(std::string_view name, bool& added) {
    if ((names_.size() + 1) * 4 > slots_.size() * 3) Grow();
    const std::uint64_t h = Hash(name);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.index == kEmpty) {
        s = {h, static_cast<std::uint32_t>(names_.size())};
        names_.emplace_back(name);
        added = true;
        return s.index;
      }
      if (s.hash == h && names_[s.index] == name) {
        added = false;
        return s.index;
      }
    }
  }
  std::size_t size() const { return names_.size(); }
  const std::string& name(std::uint32_t index) const { return names_[index]; }

 private:
  static constexpr std::uint32_t kEmpty = 0xffffffff;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t index = kEmpty;
  };
  static std::uint64_t Hash(std::string_view s) { return std::hash<std::string_view>{}(s); }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.index == kEmpty) continue;
      std::size_t i = s.hash & mask_;
      while (slots_[i].index != kEmpty) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::vector<std::string> names_;
};

}  // namespace riskd::tools
