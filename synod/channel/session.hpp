// Session ids: every life of a channel draws one at random, so that peers can tell a restarted
// node from the one they knew without any durable state. 0 means "unknown" on the wire.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>

#include "synod/core/rng.hpp"
#include "synod/core/types.hpp"

namespace synod::channel {

inline std::uint64_t draw_session(Rng& rng) {
  std::uint64_t s = 0;
  while (s == 0) s = rng.next();
  return s;
}

inline bool is_member(std::span<const NodeId> peers, NodeId self, NodeId n) {
  return n == self || std::binary_search(peers.begin(), peers.end(), n);
}

}  // namespace synod::channel
