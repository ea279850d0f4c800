// The generator's own pseudo-random numbers. std::mt19937 is portable but
// std::uniform_int_distribution & co. are not (their output differs between
// standard libraries), so every draw here is plain integer arithmetic:
// splitmix64 to derive seeds, xoshiro256** for streams. Same seed, same
// numbers, on every machine and compiler.
#pragma once

#include <cstdint>
#include <initializer_list>

namespace riskd::tools {

// One splitmix64 step: a good 64-bit mixer (Steele, Lea, Flood 2014).
inline std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Folds several integers into one seed, so that each (seed, account, day,
// purpose) gets an independent stream: generating day 7 of account 42 never
// depends on what was drawn for any other account or day.
inline std::uint64_t DeriveSeed(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t state = 0x6a09e667f3bcc908ULL;
  std::uint64_t out = 0;
  for (std::uint64_t p : parts) {
    state ^= p;
    out = SplitMix64(state);
    state = out;
  }
  return out;
}

// xoshiro256** (Blackman, Vigna 2018).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) {
    for (auto& word : s_) word = SplitMix64(seed);
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1), 53 bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }

  // Uniform integer in [0, n), n > 0. Multiply-shift (Lemire) without the
  // rejection step: the bias is below 2^-32 for the small n used here.
  std::uint64_t Below(std::uint64_t n) {
    return static_cast<std::uint64_t>(
        (static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

  // Uniform integer in [lo, hi].
  std::int64_t Between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(
                    Below(static_cast<std::uint64_t>(hi - lo + 1)));
  }

  bool Chance(double p) { return Uniform() < p; }

  // Binomial(n, p) by n Bernoulli trials: exact, portable, and n is small
  // (hours of a day, attempts of a burst).
  int Binomial(int n, double p) {
    int k = 0;
    for (int i = 0; i < n; ++i) k += Chance(p) ? 1 : 0;
    return k;
  }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
  }
  std::uint64_t s_[4];
};

}  // namespace riskd::tools
