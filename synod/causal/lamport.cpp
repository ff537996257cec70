#include "synod/causal/lamport.hpp"

#include <algorithm>
#include <string>

#include "synod/core/assert.hpp"

namespace synod::causal {

LamportClock::LamportClock(std::uint64_t initial) : value_(initial) {
  SYNOD_ASSERT(initial <= kMaxStamp);
}

std::uint64_t LamportClock::tick() {
  // Reaching the top needs 2^62 local events past the largest accepted stamp: impossible.
  SYNOD_ASSERT(value_ < UINT64_MAX);
  return ++value_;  // LC1
}

std::uint64_t LamportClock::on_send() { return tick(); }

std::uint64_t LamportClock::on_receive(std::uint64_t stamp) {
  value_ = std::max(value_, std::min(stamp, kMaxStamp));  // LC2
  return tick();                                          // LC1
}

Result<std::uint64_t> LamportClock::checked_receive(std::uint64_t stamp) {
  if (!valid_stamp(stamp)) {
    return out_of_range("lamport stamp " + std::to_string(stamp) + " above limit " +
                        std::to_string(kMaxStamp));
  }
  return on_receive(stamp);
}

}  // namespace synod::causal
