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

// A real node killed with SIGKILL writes nothing: its trace just stops. Such a life is taken for
// crashed when a peer then suspects it ("suspect" {peer}, as heartbeat and the lock service
// observe) while the merged trace goes on, and the life has no crash record and no later event.
// A clean stop (`synod local down`) ends every trace at once, before anyone can suspect anyone.
struct InferredCrash {
  const Event* last = nullptr;    // the life's last event: the crash came after it
  std::int64_t suspected_ns = 0;  // the first suspicion of it
  NodeId suspected_by = kNoNode;
  std::int64_t next_life_ns = -1;  // when the node started again, -1 if it never did
};

// Over a whole execution (not a window: the evidence may lie outside it), in order of `last`.
std::vector<InferredCrash> infer_crashes(std::span<const Event* const> events);

std::string process_name(NodeId node, std::uint32_t life);

}  // namespace synod::trace
