#include "synod/trace/processes.hpp"

#include <algorithm>
#include <map>
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

namespace {

// The peer a "suspect" observation names, or kNoNode for any other event.
NodeId suspected_peer(const Event& e) {
  if (e.kind != EventKind::kObserve || e.what != "suspect") return kNoNode;
  for (const auto& f : e.fields) {
    if (f.key == "peer" && f.value > 0) return static_cast<NodeId>(f.value);
  }
  return kNoNode;
}

}  // namespace

std::vector<InferredCrash> infer_crashes(std::span<const Event* const> events) {
  const ProcessMap map = assign_processes(events);
  struct Life {
    std::size_t last = 0;
    bool crashed = false;
    std::int64_t next_life_ns = -1;
    bool inferred = false;
  };
  std::vector<Life> lives(map.processes.size());
  std::map<NodeId, int> current;  // node -> its latest process so far
  for (std::size_t i = 0; i < events.size(); ++i) {
    const int p = map.of_event[i];
    if (p < 0) continue;
    const NodeId node = events[i]->node;
    if (auto it = current.find(node); it != current.end() && it->second != p) {
      lives[static_cast<std::size_t>(it->second)].next_life_ns = events[i]->time_ns;
    }
    current[node] = p;
    lives[static_cast<std::size_t>(p)].last = i;
    if (events[i]->kind == EventKind::kCrash) lives[static_cast<std::size_t>(p)].crashed = true;
  }
  // Second pass: a suspicion of a node whose current life has already recorded its last event.
  std::vector<InferredCrash> out;
  current.clear();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = *events[i];
    if (const int p = map.of_event[i]; p >= 0) current[e.node] = p;
    const NodeId peer = suspected_peer(e);
    if (peer == kNoNode || peer == e.node) continue;
    auto it = current.find(peer);
    if (it == current.end()) continue;
    Life& life = lives[static_cast<std::size_t>(it->second)];
    if (life.crashed || life.inferred || life.last >= i) continue;
    life.inferred = true;
    out.push_back({events[life.last], e.time_ns, e.node, life.next_life_ns});
  }
  std::sort(out.begin(), out.end(), [](const InferredCrash& a, const InferredCrash& b) {
    return a.last->seq < b.last->seq;
  });
  return out;
}

}  // namespace synod::trace
