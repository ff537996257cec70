// Options every time-sync protocol shares: the discipline of its SoftwareClock and an initial
// offset applied at start, so that a cluster of real processes on one host (which share one
// system clock) has something to synchronise. Documented in docs/protocols/timesync.md.
#pragma once

#include <initializer_list>
#include <span>
#include <string>

#include "synod/node/registry.hpp"
#include "synod/timesync/software_clock.hpp"

namespace synod::timesync {

struct ClockOptions {
  ClockDiscipline discipline;
  // Added to every node's software clock at start (a step).
  Duration initial_offset{0};
  // Node i of the cluster (ascending ids) also gets an offset evenly spaced over
  // [-initial_spread, +initial_spread]: the first node -spread, the last +spread.
  Duration initial_spread{0};
};

// Keys: step_threshold, max_slew_ppm, initial_offset, initial_spread.
bool is_clock_option(const std::string& key);
Result<ClockOptions> parse_clock_options(const ProtocolOptions& opts, const std::string& who);

// The offset the options give `self` in a cluster of `self` + `peers`.
Duration initial_offset_for(const ClockOptions& o, NodeId self, std::span<const NodeId> peers);

// Rejects keys that are neither clock options nor in `keys`, naming `who` and the accepted keys.
Status check_keys(const ProtocolOptions& opts, const std::string& who,
                  std::initializer_list<const char*> keys);

// "1,2,5" -> {1, 2, 5}; empty text -> empty list.
Result<std::vector<NodeId>> parse_node_list(const std::string& text, const std::string& key);

}  // namespace synod::timesync
