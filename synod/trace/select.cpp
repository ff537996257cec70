#include "synod/trace/select.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <utility>

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

// A moment the picture is for. A first start is not one (every node starts at time zero).
bool is_moment(const Event& e, const std::vector<std::string>& frequent,
               const std::set<const Event*>& crash_ends) {
  if (e.kind == EventKind::kStart) return false;
  if (is_lifecycle(e.kind) || e.kind == EventKind::kFault || e.kind == EventKind::kHeal)
    return true;
  if (crash_ends.count(&e) != 0) return true;
  return e.kind == EventKind::kObserve &&
         std::find(frequent.begin(), frequent.end(), e.what) == frequent.end();
}

// Keeps the `cap` node events of `c` nearest in time to a moment (moments first), a message's
// send and deliveries with the better of their distances. Returns false when there is no moment.
bool keep_around_moments(const std::vector<const Event*>& c, std::size_t cap,
                         const std::set<const Event*>& crash_ends, std::vector<bool>& keep) {
  const std::vector<std::string> frequent = frequent_observations(c);
  std::vector<std::int64_t> moments;
  for (const Event* e : c) {
    if (is_moment(*e, frequent, crash_ends)) moments.push_back(e->time_ns);
  }
  if (moments.empty()) return false;
  std::sort(moments.begin(), moments.end());
  constexpr std::int64_t kMomentScore = -1;
  std::vector<std::int64_t> score(c.size(), std::numeric_limits<std::int64_t>::max());
  std::map<std::pair<NodeId, std::uint64_t>, std::int64_t> message_score;  // (sender, id)
  auto message_key = [](const Event& e) {
    return std::make_pair(e.kind == EventKind::kDeliver ? e.peer : e.node, e.msg_id);
  };
  auto is_message = [](const Event& e) {
    return e.msg_id != 0 && (e.kind == EventKind::kSend || e.kind == EventKind::kDeliver ||
                             e.kind == EventKind::kDrop);
  };
  for (std::size_t i = 0; i < c.size(); ++i) {
    const Event& e = *c[i];
    if (!is_node_event(e)) continue;
    if (is_moment(e, frequent, crash_ends)) {
      score[i] = kMomentScore;
    } else {
      const auto it = std::lower_bound(moments.begin(), moments.end(), e.time_ns);
      std::int64_t d = std::numeric_limits<std::int64_t>::max();
      if (it != moments.end()) d = *it - e.time_ns;
      if (it != moments.begin()) d = std::min(d, e.time_ns - *std::prev(it));
      score[i] = d;
    }
    if (is_message(e)) {
      auto [m, fresh] = message_score.emplace(message_key(e), score[i]);
      if (!fresh) m->second = std::min(m->second, score[i]);
    }
  }
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!is_node_event(*c[i])) {
      keep[i] = true;  // faults and heals are never cut
      continue;
    }
    if (is_message(*c[i]) && score[i] != kMomentScore)
      score[i] = message_score.at(message_key(*c[i]));
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return score[a] < score[b]; });
  for (std::size_t k = 0; k < std::min(cap, order.size()); ++k) keep[order[k]] = true;
  return true;
}

}  // namespace

bool is_node_event(const Event& e) {
  return e.node != kNoNode && e.kind != EventKind::kFault && e.kind != EventKind::kHeal;
}

std::vector<std::string> frequent_observations(std::span<const Event* const> events) {
  std::map<std::string, std::size_t, std::less<>> count;
  std::set<NodeId> nodes;
  std::size_t total = 0;
  for (const Event* e : events) {
    if (is_node_event(*e)) nodes.insert(e->node);
    if (e->kind != EventKind::kObserve) continue;
    ++count[std::string(e->what)];
    ++total;
  }
  std::vector<std::string> out;
  for (const auto& [what, n] : count) {
    if (n * 20 > total && n > 2 * nodes.size()) out.push_back(what);
  }
  return out;
}

Selection select_events(std::span<const OwnedEvent> trace, const TraceWindow& window) {
  Selection sel;
  if (trace.empty()) return sel;
  const std::int64_t first = trace.front().event.time_ns;
  sel.origin_ns = first < kWallClockThresholdNs ? 0 : first;
  sel.from_ns = window.from ? sel.origin_ns + window.from->count() : first;
  sel.to_ns = window.to ? sel.origin_ns + window.to->count() : trace.back().event.time_ns;

  std::vector<const Event*> all;
  all.reserve(trace.size());
  for (const auto& oe : trace) all.push_back(&oe.event);
  sel.inferred_crashes = infer_crashes(all);
  std::set<const Event*> crash_ends;
  for (const auto& c : sel.inferred_crashes) crash_ends.insert(c.last);

  std::vector<const Event*> candidates;
  std::size_t node_events = 0;
  for (const Event* e : all) {
    if (e->time_ns < sel.from_ns || e->time_ns > sel.to_ns) continue;
    if (!keep_node(*e, window) || !keep_protocol(*e, window)) continue;
    candidates.push_back(e);
    node_events += is_node_event(*e) ? 1 : 0;
  }
  const std::size_t cap = window.max_node_events;
  if (cap == 0 || node_events <= cap) {
    sel.events = std::move(candidates);
    sel.node_events = node_events;
    return sel;
  }

  sel.truncated = true;
  sel.cut_events = node_events - cap;
  sel.node_events = cap;
  std::vector<bool> keep(candidates.size(), false);
  sel.around_moments = keep_around_moments(candidates, cap, crash_ends, keep);
  if (!sel.around_moments) {
    // Nothing stands out: the first events, and the window ends at the last one kept.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      const bool node_event = is_node_event(*candidates[i]);
      if (node_event && kept == cap) break;
      keep[i] = true;
      kept += node_event ? 1 : 0;
    }
  }
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const Event* e = candidates[i];
    if (keep[i]) {
      sel.events.push_back(e);
      continue;
    }
    if (!sel.around_moments && sel.events.size() == i) sel.to_ns = sel.events.back()->time_ns;
    if (!sel.around_moments) continue;
    // A run of left-out events continues the last gap unless something was kept in between.
    const bool continues = !sel.gaps.empty() && i > 0 && !keep[i - 1];
    if (!continues) sel.gaps.push_back({e->time_ns, e->time_ns, 0});
    sel.gaps.back().to_ns = e->time_ns;
    ++sel.gaps.back().events;
  }
  return sel;
}

}  // namespace synod::trace
