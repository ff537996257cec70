// Swarm testing (Groce et al.; FoundationDB's "buggify"): instead of one fixed fault mix, every
// seed draws its own, so some seeds hammer with loss, others with partitions or crashes, and a
// few run clean. Values are rounded so the printed plan parses back bit-exactly.
#include <algorithm>
#include <numeric>

#include "synod/sim/fault_plan.hpp"

namespace synod::sim {
namespace {

Duration ms(std::int64_t v) { return std::chrono::milliseconds(v); }

double thousandths(Rng& rng, int max_thousandths) {
  return static_cast<double>(rng.between(0, max_thousandths)) / 1000.0;
}

Latency draw_latency(Rng& rng) {
  Latency lat;
  switch (rng.below(3)) {
    case 0:
      lat.shape = Latency::Shape::kFixed;
      lat.lo = lat.hi = std::chrono::microseconds(rng.between(50, 5000));
      break;
    case 1:
      lat.shape = Latency::Shape::kUniform;
      lat.lo = std::chrono::microseconds(rng.between(50, 2000));
      lat.hi = lat.lo + std::chrono::microseconds(rng.between(0, 20000));
      break;
    default:
      lat.shape = Latency::Shape::kPareto;
      lat.lo = std::chrono::microseconds(rng.between(50, 2000));
      lat.hi = lat.lo + ms(rng.between(10, 300));
      break;
  }
  return lat;
}

Duration when(Rng& rng, Duration duration) {
  return ms(rng.between(0, std::max<std::int64_t>(0, duration.count() / 1'000'000 - 1)));
}

std::vector<NodeId> shuffled_nodes(Rng& rng, std::uint32_t nodes) {
  std::vector<NodeId> ids(nodes);
  std::iota(ids.begin(), ids.end(), NodeId{1});
  for (std::size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng.below(i)]);
  return ids;
}

void draw_network(Rng& rng, FaultPlan& plan) {
  plan.network.latency = draw_latency(rng);
  if (rng.chance(0.6)) plan.network.loss = thousandths(rng, 200);
  if (rng.chance(0.3)) plan.network.duplicate = thousandths(rng, 50);
  if (rng.chance(0.3)) plan.network.reorder = thousandths(rng, 200);
  if (rng.chance(0.1))
    plan.network.bandwidth_Bps = static_cast<std::uint64_t>(rng.between(100, 10000)) * 1000;
}

void draw_clocks(Rng& rng, std::uint32_t nodes, Duration duration, FaultPlan& plan) {
  if (!rng.chance(0.7)) return;
  for (NodeId n = 1; n <= nodes; ++n) {
    plan.clocks.push_back(
        {n, ms(rng.between(-500, 500)), static_cast<double>(rng.between(-200, 200))});
  }
  if (rng.chance(0.3)) {
    plan.actions.push_back({when(rng, duration),
                            Action::Kind::kStep,
                            static_cast<NodeId>(rng.between(1, nodes)),
                            {},
                            ms(rng.between(-1000, 1000)),
                            0});
  }
}

void draw_node_faults(Rng& rng, std::uint32_t nodes, Duration duration, FaultPlan& plan) {
  const auto crashes = rng.below(std::min<std::uint64_t>(nodes, 4) + 1);
  for (std::uint64_t i = 0; i < crashes; ++i) {
    const NodeId n = static_cast<NodeId>(rng.between(1, nodes));
    const Duration t = when(rng, duration);
    plan.actions.push_back({t, Action::Kind::kCrash, n, {}, {}, 0});
    if (rng.chance(0.7))
      plan.actions.push_back({t + ms(rng.between(50, 3000)), Action::Kind::kRestart, n, {}, {}, 0});
  }
  const auto pauses = rng.below(3);
  for (std::uint64_t i = 0; i < pauses; ++i) {
    const NodeId n = static_cast<NodeId>(rng.between(1, nodes));
    const Duration t = when(rng, duration);
    plan.actions.push_back({t, Action::Kind::kPause, n, {}, {}, 0});
    plan.actions.push_back({t + ms(rng.between(50, 2000)), Action::Kind::kResume, n, {}, {}, 0});
  }
  if (rng.chance(0.3)) {
    plan.actions.push_back({when(rng, duration),
                            Action::Kind::kClog,
                            static_cast<NodeId>(rng.between(1, nodes)),
                            {},
                            ms(rng.between(100, 2000)),
                            0});
  }
}

void draw_partitions(Rng& rng, std::uint32_t nodes, Duration duration, FaultPlan& plan) {
  if (nodes < 2) return;
  const auto count = rng.below(3);
  for (std::uint64_t i = 0; i < count; ++i) {
    auto ids = shuffled_nodes(rng, nodes);
    const auto cut = static_cast<std::size_t>(rng.between(1, nodes - 1));
    std::vector<NodeId> a(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(cut));
    std::vector<NodeId> b(ids.begin() + static_cast<std::ptrdiff_t>(cut), ids.end());
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    const Duration t = when(rng, duration);
    const auto kind = rng.chance(0.25) ? Action::Kind::kOneWay : Action::Kind::kPartition;
    plan.actions.push_back({t, kind, 0, {std::move(a), std::move(b)}, {}, 0});
    plan.actions.push_back({t + ms(rng.between(200, 3000)), Action::Kind::kHeal, 0, {}, {}, 0});
  }
}

}  // namespace

FaultPlan draw_swarm_plan(Rng& rng, std::uint32_t nodes, Duration duration) {
  FaultPlan plan;
  draw_network(rng, plan);
  draw_clocks(rng, nodes, duration, plan);
  draw_node_faults(rng, nodes, duration, plan);
  draw_partitions(rng, nodes, duration, plan);
  std::stable_sort(plan.actions.begin(), plan.actions.end(),
                   [](const Action& a, const Action& b) { return a.at < b.at; });
  return plan;
}

}  // namespace synod::sim
