// Matching deliveries and drops to the send they belong to. Stamped traces carry a message id
// (unique per sender); unstamped ones (older real-run traces) fall back to FIFO order per
// (sender, receiver, protocol), which is what a reliable FIFO channel would give.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "synod/check/event.hpp"

namespace synod::trace {

struct MessageLinks {
  static constexpr std::int64_t kNone = -1;
  std::vector<std::int64_t> send_of;  // per event: index of the send a deliver/drop belongs to
  std::vector<std::int64_t> first_drop_of;  // per send: index of its first drop, if any
  std::vector<std::uint32_t> deliveries;    // per send: how many times it was delivered
};

// Links within `events` only: a deliver whose send is outside the window stays kNone.
MessageLinks link_messages(std::span<const Event* const> events);

}  // namespace synod::trace
