// Choosing the part of a trace an export shows. Heartbeat traces hold thousands of events; a
// diagram stays readable only for a few hundred, so every exporter takes a window: a time range,
// a set of nodes, one protocol, and a cap on node events (the cut is reported, never silent).
// When the cap cuts, it keeps what the picture is for: the moments (crashes, inferred crashes,
// restarts, pauses, faults, heals, rare observations such as "suspect" or "leader") and the
// events nearest to them in time; a message's send and deliveries are kept or cut together.
// Without any moment in the window it keeps the first events.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "synod/core/time.hpp"
#include "synod/core/types.hpp"
#include "synod/trace/jsonl.hpp"
#include "synod/trace/processes.hpp"

namespace synod::trace {

struct TraceWindow {
  std::optional<Duration> from;  // relative to the trace's origin (see Selection::origin_ns)
  std::optional<Duration> to;
  std::vector<NodeId> nodes;           // empty: every node
  std::optional<ProtocolId> protocol;  // lifecycle events (start, crash, ...) are always kept
  std::size_t max_node_events = 0;     // 0: no cap
};

struct Selection {
  std::vector<const Event*> events;  // in trace order; pointers into the trace passed to select
  // Time zero for display: 0 for simulated traces (virtual time starts at 0), the first event's
  // time for real runs (wall clock since the epoch).
  std::int64_t origin_ns = 0;
  std::int64_t from_ns = 0;  // absolute bounds of what is shown
  std::int64_t to_ns = 0;
  std::size_t node_events = 0;  // selected events that belong to a node
  bool truncated = false;       // max_node_events cut the window
  std::size_t cut_events = 0;   // node events inside the window left out by the cap
  bool around_moments = false;  // the cap kept the events around the moments (else the first)
  struct Gap {
    std::int64_t from_ns = 0;  // first and last left-out event of a run of them
    std::int64_t to_ns = 0;
    std::size_t events = 0;
  };
  std::vector<Gap> gaps;  // runs of node events the cap left out, in time order
  // Lives that ended unrecorded and were then suspected, found over the whole trace.
  std::vector<InferredCrash> inferred_crashes;
};

// Events of `trace` inside the window, in order. `trace` must outlive the selection.
Selection select_events(std::span<const OwnedEvent> trace, const TraceWindow& window);

// True for events that happen on a node (as opposed to network-wide faults and heals).
bool is_node_event(const Event& e);

// Observation kinds that recur constantly (heartbeat's "beat", election's "msg"): more than 5% of
// the observations and more than two per node. The others are rare, hence worth a label.
std::vector<std::string> frequent_observations(std::span<const Event* const> events);

}  // namespace synod::trace
