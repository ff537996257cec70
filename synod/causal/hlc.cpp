#include "synod/causal/hlc.hpp"

#include <algorithm>

#include "synod/core/assert.hpp"

namespace synod::causal {

std::string HlcTimestamp::to_string() const { return std::to_string(l) + "." + std::to_string(c); }

HybridLogicalClock::HybridLogicalClock(HlcConfig config) : config_(config) {
  SYNOD_ASSERT(config_.max_offset >= Duration::zero());
  SYNOD_ASSERT(config_.max_offset <= HlcConfig::kMaxOffsetLimit);
}

void HybridLogicalClock::set_c(std::uint64_t next_c) {
  if (next_c <= HlcTimestamp::kMaxC) {
    ts_.c = static_cast<std::uint16_t>(next_c);
    return;
  }
  // Accepted l values stay below 2^47 + 2^46 (pt < 2^63 ns, max_offset <= 2^62 ns): 2^45 carries
  // of 65536 events each would be needed to reach kMaxL.
  SYNOD_ASSERT(ts_.l < HlcTimestamp::kMaxL);
  ++ts_.l;
  ts_.c = 0;
  ++carries_;
}

HlcTimestamp HybridLogicalClock::tick(Time pt) {
  const std::uint64_t l_prev = ts_.l;
  ts_.l = std::max(l_prev, HlcTimestamp::l_of(pt));  // l.j := max(l', pt.j)
  if (ts_.l == l_prev) {
    set_c(std::uint64_t{ts_.c} + 1);  // c.j := c.j + 1
  } else {
    ts_.c = 0;  // c.j := 0
  }
  return ts_;
}

Result<HlcTimestamp> HybridLogicalClock::on_receive(HlcTimestamp m, Time pt) {
  if (!m.valid())
    return out_of_range("hlc: received l " + std::to_string(m.l) + " exceeds 48 bits");
  // Reject a message from a clock too far ahead, before touching any state. pt + max_offset
  // cannot overflow when clamped: pt.ns < 2^63 and max_offset <= 2^62, computed in uint64.
  const std::uint64_t pt_ns = pt.ns <= 0 ? 0 : static_cast<std::uint64_t>(pt.ns);
  const std::uint64_t horizon_ns = pt_ns + static_cast<std::uint64_t>(config_.max_offset.count());
  const std::uint64_t horizon_l = horizon_ns >> HlcTimestamp::kLogicalBits;
  if (m.l > horizon_l) {
    return out_of_range("hlc: received timestamp " + m.to_string() + " is more than " +
                        format_duration(config_.max_offset) + " ahead of local physical time " +
                        std::to_string(pt.ns) + "ns");
  }

  const std::uint64_t l_prev = ts_.l;
  const std::uint64_t c_prev = ts_.c;
  ts_.l = std::max({l_prev, m.l, HlcTimestamp::l_of(pt)});  // l.j := max(l', l.m, pt.j)
  if (ts_.l == l_prev && ts_.l == m.l) {
    set_c(std::max<std::uint64_t>(c_prev, m.c) + 1);  // c.j := max(c.j, c.m) + 1
  } else if (ts_.l == l_prev) {
    set_c(c_prev + 1);  // c.j := c.j + 1
  } else if (ts_.l == m.l) {
    set_c(std::uint64_t{m.c} + 1);  // c.j := c.m + 1
  } else {
    ts_.c = 0;  // c.j := 0
  }
  return ts_;
}

}  // namespace synod::causal
