#include "synod/trace/processes.hpp"

#include <unordered_map>

#include "synod/trace/select.hpp"

namespace synod::trace {

std::string process_name(NodeId node, std::uint32_t life) {
  std::string name = "n" + std::to_string(node);
  if (life > 1) name += ".life" + std::to_string(life);
  return name;
}

ProcessMap assign_processes(std::span<const Event* const> events) {
  struct Current {
    int process = -1;
    std::uint32_t recorded_life = 0;  // the driver's life number (0-based in the simulator)
    bool has_events = false;
    bool crashed = false;
  };
  ProcessMap map;
  map.of_event.assign(events.size(), -1);
  std::unordered_map<NodeId, Current> current;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = *events[i];
    if (!is_node_event(e) || e.kind == EventKind::kDrop) continue;
    Current& c = current[e.node];
    const bool begins = e.kind == EventKind::kStart || e.kind == EventKind::kRecover;
    bool fresh = c.process < 0;
    if (!fresh && e.kind != EventKind::kCrash) {
      fresh = e.life != c.recorded_life || (begins && c.has_events) || c.crashed;
    }
    if (fresh) {
      const std::uint32_t previous = c.process < 0 ? 0 : map.processes[c.process].life;
      // The first life seen keeps the recorded number; later ones count up from the previous.
      const std::uint32_t life = c.process < 0 ? e.life + 1 : std::max(previous + 1, e.life + 1);
      map.processes.push_back({e.node, life, process_name(e.node, life)});
      c = Current{static_cast<int>(map.processes.size() - 1), e.life, false, false};
    }
    map.of_event[i] = c.process;
    c.has_events = true;
    if (e.kind == EventKind::kCrash) c.crashed = true;
  }
  return map;
}

}  // namespace synod::trace
