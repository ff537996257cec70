// Lamport's logical clock ("Time, Clocks, and the Ordering of Events in a Distributed System",
// 1978).
//
// The textbook rules, applied by this class and nothing else:
//   LC1: a process increments its clock L before each event it stamps (local event, send, receive).
//   LC2: a send piggybacks t = L; on receiving (m, t) a process sets L := max(L, t) and then
//        applies LC1 before stamping the receive event.
// Guarantee (clock condition): if e -> f (happened-before) then L(e) < L(f). The converse does not
// hold; use VectorClock when you need to detect concurrency.
//
// Pure state: no I/O, no time, no randomness. Values start at 0 (no event yet); the first event
// is stamped 1.
#pragma once

#include <cstdint>

#include "synod/core/status.hpp"

namespace synod::causal {

class LamportClock {
 public:
  // Largest stamp accepted from a peer. No honest execution gets near it (2^62 events); anything
  // above is corrupt, and accepting it could wrap the clock. on_receive() saturates at this bound,
  // checked_receive() rejects stamps above it.
  static constexpr std::uint64_t kMaxStamp = std::uint64_t{1} << 62U;

  LamportClock() = default;
  explicit LamportClock(std::uint64_t initial);

  // LC1 for a local event: L := L + 1; returns the event's stamp.
  std::uint64_t tick();

  // LC1 then LC2 (send half): L := L + 1; returns the stamp to piggyback on the message.
  std::uint64_t on_send();

  // LC2 (receive half) then LC1: L := max(L, stamp) + 1; returns the receive event's stamp.
  // A stamp above kMaxStamp is treated as kMaxStamp (the clock keeps working; validate stamps from
  // untrusted peers with checked_receive() or valid_stamp()).
  std::uint64_t on_receive(std::uint64_t stamp);

  // As on_receive(), but a stamp above kMaxStamp is rejected (OUT_OF_RANGE) and the clock is left
  // unchanged.
  Result<std::uint64_t> checked_receive(std::uint64_t stamp);

  static bool valid_stamp(std::uint64_t stamp) { return stamp <= kMaxStamp; }

  // The stamp of the latest event (0 if none).
  std::uint64_t value() const { return value_; }

 private:
  std::uint64_t value_ = 0;
};

}  // namespace synod::causal
