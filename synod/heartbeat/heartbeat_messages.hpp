// Wire messages of the heartbeat protocol (protobuf wire format via synod/wire).
#pragma once

#include <cstdint>
#include <tuple>
#include <vector>

#include "synod/wire/codec.hpp"

namespace synod {

// One row of the gossiped table: the newest (incarnation, counter) the sender knows for `node`.
struct HeartbeatEntry {
  std::uint32_t node = 0;
  std::uint64_t incarnation = 0;
  std::uint64_t counter = 0;

  static constexpr auto kFields = std::make_tuple(wire::field<1>(&HeartbeatEntry::node),
                                                  wire::field<2>(&HeartbeatEntry::incarnation),
                                                  wire::field<3>(&HeartbeatEntry::counter));
};

struct HeartbeatGossip {
  std::vector<HeartbeatEntry> entries;

  static constexpr auto kFields = std::make_tuple(wire::field<1>(&HeartbeatGossip::entries));
};

// Persisted under key "incarnation".
struct HeartbeatDurable {
  std::uint64_t incarnation = 0;

  static constexpr auto kFields = std::make_tuple(wire::field<1>(&HeartbeatDurable::incarnation));
};

// A gossip message never needs more rows than the largest cluster we run.
inline constexpr std::size_t kMaxHeartbeatEntries = 4096;

}  // namespace synod
