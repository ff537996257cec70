// NTP's time formats (RFC 5905 section 6) and their conversion to synod::Time (ns since 1970).
//  - timestamp: 64 bits, seconds since 1900-01-01 (era 0) in the high 32, fraction in the low 32;
//  - short: 32 bits, 16.16 seconds (root delay and root dispersion).
// Era 0 ends in 2036; conversions pick the era that puts the result nearest a pivot reading of
// the local clock, as ntpd does, so readings around 2036 convert correctly.
#pragma once

#include <cmath>
#include <cstdint>

#include "synod/core/time.hpp"

namespace synod::ntp {

// Seconds from 1900-01-01 to 1970-01-01.
inline constexpr std::int64_t kUnixEpochInNtp = 2'208'988'800;
inline constexpr std::int64_t kNsPerSecond = 1'000'000'000;

using Timestamp = std::uint64_t;

inline Timestamp to_timestamp(Time t) {
  const std::int64_t secs =
      t.ns >= 0 ? t.ns / kNsPerSecond : (t.ns - kNsPerSecond + 1) / kNsPerSecond;
  const std::int64_t frac_ns = t.ns - secs * kNsPerSecond;
  const auto frac = static_cast<std::uint64_t>((static_cast<unsigned __int128>(frac_ns) << 32U) /
                                               static_cast<unsigned __int128>(kNsPerSecond));
  const auto ntp_secs =
      static_cast<std::uint32_t>(static_cast<std::uint64_t>(secs + kUnixEpochInNtp));
  return (static_cast<std::uint64_t>(ntp_secs) << 32U) | (frac & 0xFFFF'FFFFULL);
}

// The Time whose timestamp is `ts`, in the 136-year era nearest `pivot`.
inline Time from_timestamp(Timestamp ts, Time pivot) {
  const auto secs32 = static_cast<std::int64_t>(ts >> 32U);
  const auto frac = static_cast<std::int64_t>(ts & 0xFFFF'FFFFULL);
  const std::int64_t frac_ns = static_cast<std::int64_t>(
      (static_cast<unsigned __int128>(frac) * kNsPerSecond + (1ULL << 31U)) >> 32U);
  constexpr std::int64_t kEra = std::int64_t{1} << 32U;
  const std::int64_t pivot_ntp = pivot.ns / kNsPerSecond + kUnixEpochInNtp;
  std::int64_t era = (pivot_ntp - secs32 + kEra / 2);
  era = era >= 0 ? era / kEra : -((-era + kEra - 1) / kEra);
  const std::int64_t ntp_secs = secs32 + era * kEra;
  return Time{(ntp_secs - kUnixEpochInNtp) * kNsPerSecond + frac_ns};
}

// Short format (16.16 unsigned seconds), saturating.
inline std::uint32_t to_short(Duration d) {
  if (d.count() <= 0) return 0;
  const auto v = (static_cast<unsigned __int128>(d.count()) << 16U) / kNsPerSecond;
  return v > 0xFFFF'FFFFULL ? 0xFFFF'FFFFU : static_cast<std::uint32_t>(v);
}

inline Duration from_short(std::uint32_t s) {
  return Duration(static_cast<std::int64_t>((static_cast<std::uint64_t>(s) * kNsPerSecond) >> 16U));
}

// log2 seconds (poll, precision) to a Duration; clamped to [-30, 17].
inline Duration from_log2(int log2_seconds) {
  const int e = log2_seconds < -30 ? -30 : (log2_seconds > 17 ? 17 : log2_seconds);
  return Duration(static_cast<std::int64_t>(std::ldexp(1e9, e)));
}

}  // namespace synod::ntp
