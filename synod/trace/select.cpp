#include "synod/trace/select.hpp"

#include <algorithm>

namespace synod::trace {
namespace {

// Wall-clock times are ~1.7e18 ns; simulated runs never get near 1e17 ns (three years).
constexpr std::int64_t kWallClockThresholdNs = 100'000'000'000'000'000;

bool is_lifecycle(EventKind k) {
  return k == EventKind::kStart || k == EventKind::kRecover || k == EventKind::kCrash ||
         k == EventKind::kPause || k == EventKind::kResume;
}

bool keep_node(const Event& e, const TraceWindow& w) {
  if (w.nodes.empty() || e.node == kNoNode) return true;
  return std::find(w.nodes.begin(), w.nodes.end(), e.node) != w.nodes.end();
}

bool keep_protocol(const Event& e, const TraceWindow& w) {
  if (!w.protocol || is_lifecycle(e.kind)) return true;
  if (e.kind == EventKind::kFault || e.kind == EventKind::kHeal) return true;
  return e.protocol == *w.protocol;
}

}  // namespace

bool is_node_event(const Event& e) {
  return e.node != kNoNode && e.kind != EventKind::kFault && e.kind != EventKind::kHeal;
}

Selection select_events(std::span<const OwnedEvent> trace, const TraceWindow& window) {
  Selection sel;
  if (trace.empty()) return sel;
  const std::int64_t first = trace.front().event.time_ns;
  sel.origin_ns = first < kWallClockThresholdNs ? 0 : first;
  sel.from_ns = window.from ? sel.origin_ns + window.from->count() : first;
  sel.to_ns = window.to ? sel.origin_ns + window.to->count() : trace.back().event.time_ns;
  std::int64_t last_kept = sel.from_ns;
  for (const auto& oe : trace) {
    const Event& e = oe.event;
    if (e.time_ns < sel.from_ns || e.time_ns > sel.to_ns) continue;
    if (!keep_node(e, window) || !keep_protocol(e, window)) continue;
    const bool node_event = is_node_event(e);
    if (sel.truncated) {
      if (node_event) ++sel.cut_events;
      continue;
    }
    if (node_event && window.max_node_events != 0 && sel.node_events == window.max_node_events) {
      sel.truncated = true;
      ++sel.cut_events;
      continue;
    }
    sel.events.push_back(&e);
    if (node_event) ++sel.node_events;
    last_kept = e.time_ns;
  }
  if (sel.truncated) sel.to_ns = last_kept;
  return sel;
}

}  // namespace synod::trace
