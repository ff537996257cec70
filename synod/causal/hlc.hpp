// Hybrid logical clock (Kulkarni, Demirbas, Madappa, Avva, Leone: "Logical Physical Clocks",
// OPODIS 2014), Figure 5 of the paper. A timestamp is (l, c): l is the largest physical time the
// process has heard of, c counts events that share that l.
//
//   Send or local event at j:               Receive of message m at j:
//     l' := l.j                               l' := l.j
//     l.j := max(l', pt.j)                    l.j := max(l', l.m, pt.j)
//     if l.j = l' then c.j := c.j + 1         if l.j = l' = l.m then c.j := max(c.j, c.m) + 1
//     else c.j := 0                           else if l.j = l' then c.j := c.j + 1
//                                             else if l.j = l.m then c.j := c.m + 1
//                                             else c.j := 0
//
// Guarantees (paper, Theorems 1-3): e -> f implies hlc(e) < hlc(f) (lexicographic on (l, c));
// l.j >= pt.j; l.j - pt.j <= eps, the largest clock offset between processes; c is bounded.
//
// Units and packing: the physical time pt (synod::Time, ns since the Unix epoch) is truncated to
// units of 2^16 ns (65.536 us): l = pt.ns >> 16. A timestamp packs into 64 bits as
// (l << 16) | c, so l has 48 bits (584 years from 1970) and c has 16 bits, as in the paper's
// section 6, and the packed value reads as a nanosecond time with the low 16 bits reused for c.
// Packed values order exactly like (l, c).
//
// Limits:
//  - Drift: a received timestamp whose l is more than max_offset ahead of our own physical time is
//    rejected (OUT_OF_RANGE) and the clock is left unchanged, as CockroachDB does: adopting it
//    would drag our l, and everyone we talk to, far ahead of physical time.
//  - c overflow: if an event would make c exceed 0xFFFF (more than 65535 events sharing one l,
//    i.e. within 65.536 us or while l runs ahead of pt), the clock carries: l := l + 1, c := 0.
//    Order and the clock condition still hold; l runs one unit (65.536 us) further ahead of pt per
//    carry, counted in carries().
//  - Negative physical times are treated as 0.
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "synod/core/status.hpp"
#include "synod/core/time.hpp"

namespace synod::causal {

struct HlcTimestamp {
  static constexpr unsigned kLogicalBits = 16;
  static constexpr std::uint64_t kMaxC = (std::uint64_t{1} << kLogicalBits) - 1;  // 0xFFFF
  static constexpr std::uint64_t kMaxL = (std::uint64_t{1} << (64 - kLogicalBits)) - 1;
  static constexpr std::int64_t kUnitNs = std::int64_t{1} << kLogicalBits;  // 65.536 us

  std::uint64_t l = 0;  // physical part, units of 2^16 ns since the epoch; at most kMaxL
  std::uint16_t c = 0;  // logical part

  friend constexpr auto operator<=>(const HlcTimestamp&, const HlcTimestamp&) = default;

  constexpr std::uint64_t pack() const { return (l << kLogicalBits) | c; }
  static constexpr HlcTimestamp unpack(std::uint64_t packed) {
    return {packed >> kLogicalBits, static_cast<std::uint16_t>(packed & kMaxC)};
  }
  constexpr bool valid() const { return l <= kMaxL; }

  // l as a physical time (the start of its 65.536 us unit).
  constexpr Time wall_time() const { return Time{static_cast<std::int64_t>(l << kLogicalBits)}; }
  // The l that physical time pt maps to (negative times map to 0).
  static constexpr std::uint64_t l_of(Time pt) {
    return pt.ns <= 0 ? 0 : static_cast<std::uint64_t>(pt.ns) >> kLogicalBits;
  }

  // "l.c", e.g. "26012345678.3".
  std::string to_string() const;
};

struct HlcConfig {
  // Largest accepted lead of a received l over our own physical time. At most kMaxOffsetLimit.
  Duration max_offset = std::chrono::milliseconds(500);
  // Cap on max_offset (about 146 years): keeps every accepted l far below kMaxL, so carries can
  // never overflow l.
  static constexpr Duration kMaxOffsetLimit = Duration(std::int64_t{1} << 62U);
};

class HybridLogicalClock {
 public:
  explicit HybridLogicalClock(HlcConfig config = {});

  // Send or local event at physical time pt; returns the event's timestamp (for a send, the one
  // to piggyback).
  HlcTimestamp tick(Time pt);
  HlcTimestamp on_send(Time pt) { return tick(pt); }

  // Receive of a message stamped m at physical time pt; returns the receive event's timestamp.
  // OUT_OF_RANGE, with the clock unchanged, if m.l is more than max_offset ahead of pt
  // (m.wall_time() > pt + max_offset) or m is not a valid timestamp.
  Result<HlcTimestamp> on_receive(HlcTimestamp m, Time pt);

  // The timestamp of the latest event ({0, 0} before any).
  HlcTimestamp current() const { return ts_; }
  const HlcConfig& config() const { return config_; }
  // How many times c overflowed and was carried into l.
  std::uint64_t carries() const { return carries_; }

 private:
  // Sets c := next_c, carrying into l if next_c exceeds kMaxC.
  void set_c(std::uint64_t next_c);

  HlcConfig config_;
  HlcTimestamp ts_;
  std::uint64_t carries_ = 0;
};

}  // namespace synod::causal
