// Deterministic random numbers: xoshiro256** seeded through splitmix64. We do not use <random>'s
// distributions because their output differs between standard libraries; every draw here is
// specified bit for bit, so a seed replays the same run on any compiler.
#pragma once

#include <cstdint>

#include "synod/core/assert.hpp"

namespace synod {

inline std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27U)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31U);
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) { reseed(seed); }

  void reseed(std::uint64_t seed) {
    std::uint64_t sm = seed;
    for (auto& word : s_) word = splitmix64(sm);
  }

  // An independent stream derived from this one's seed and a stream id (does not advance *this).
  Rng fork(std::uint64_t stream) const {
    std::uint64_t sm = s_[0] ^ (stream * 0xD1B54A32D192ED03ULL);
    return Rng(splitmix64(sm) ^ s_[3]);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17U;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, bound), bound > 0 (Lemire's multiply-shift with rejection).
  std::uint64_t below(std::uint64_t bound) {
    SYNOD_ASSERT(bound > 0);
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
      const unsigned __int128 m = static_cast<unsigned __int128>(next()) * bound;
      if (static_cast<std::uint64_t>(m) >= threshold) return static_cast<std::uint64_t>(m >> 64U);
    }
  }

  // Uniform integer in [lo, hi], inclusive.
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    SYNOD_ASSERT(lo <= hi);
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

  // Uniform double in [0, 1).
  double unit() { return static_cast<double>(next() >> 11U) * 0x1.0p-53; }

  bool chance(double p) { return p > 0 && unit() < p; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4]{};
};

}  // namespace synod
