// Processes of a trace: one per life of a node. A restarted node is a new process (its volatile
// state is gone, its clocks restart), so exports draw and count it separately: "n3", then
// "n3.life2" after its first restart.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "synod/check/event.hpp"

namespace synod::trace {

struct Process {
  NodeId node = kNoNode;
  std::uint32_t life = 1;  // 1-based for people: the first life is 1
  std::string name;        // "n3", "n3.life2"
};

struct ProcessMap {
  std::vector<Process> processes;  // in order of first appearance
  std::vector<int> of_event;       // per event: index into processes, -1 for network events
};

// A new process begins when a node's recorded life changes or when it starts/recovers after
// events of its current life (real nodes restarted by hand may not count lives). A crash belongs to
// the life it ends, whatever life number the driver stamped on it. Drops are network events.
ProcessMap assign_processes(std::span<const Event* const> events);

std::string process_name(NodeId node, std::uint32_t life);

}  // namespace synod::trace
