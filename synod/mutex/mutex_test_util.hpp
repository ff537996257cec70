// Helpers shared by the mutex tests: build simulated clusters of the deployed stack and read
// back per-node lock services and message counts.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "synod/channel/reliable_channel.hpp"
#include "synod/mutex/mutex_catalog.hpp"
#include "synod/mutex/mutex_checker.hpp"
#include "synod/sim/sweep.hpp"
#include "synod/sim/testing.hpp"

namespace synod::mutex::testing {

inline MutexConfig config(Algorithm a) {
  MutexConfig c;
  c.lock.algorithm = a;
  return c;
}

// Node `id` runs `special`, everybody else `c`.
inline sim::ProtocolFactory factory_with(MutexConfig c, NodeId id, MutexConfig special) {
  return [c, id, special](NodeId n) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(make_mutex_protocol(n == id ? special : c));
    return v;
  };
}

// Every node runs the deployed stack; nodes listed in `idle` run no workload.
inline sim::ProtocolFactory factory(MutexConfig c, std::vector<NodeId> idle = {}) {
  return [c, idle](NodeId id) {
    MutexConfig mine = c;
    for (NodeId n : idle) {
      if (n == id) mine.run_workload = false;
    }
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(make_mutex_protocol(mine));
    return v;
  };
}

inline sim::SimOptions sim_options(const std::string& faults, std::uint32_t nodes,
                                   std::uint64_t seed = 1) {
  return sim::scripted(faults, nodes, seed, std::chrono::seconds(10), std::chrono::seconds(5));
}

inline LockService& lock_of(sim::Simulator& s, NodeId id, Algorithm a) {
  auto* layer = static_cast<channel::ReliableChannel*>(s.node(id)->find(protocol_id(a)));
  SYNOD_ASSERT(layer != nullptr);
  return static_cast<LockService&>(layer->inner());
}

// The lock service of node `id` (of whichever algorithm it runs; the first if several).
inline LockService& lock_of(sim::Simulator& s, NodeId id) {
  for (Algorithm a : {Algorithm::kCentral, Algorithm::kRicartAgrawala, Algorithm::kSuzukiKasami,
                      Algorithm::kTokenRing}) {
    if (s.node(id)->find(protocol_id(a)) != nullptr) return lock_of(s, id, a);
  }
  SYNOD_ASSERT(false);
  return lock_of(s, id, Algorithm::kCentral);
}

// Messages of the algorithm (everything but heartbeats) sent by all nodes.
inline std::uint64_t algorithm_messages(sim::Simulator& s, std::uint32_t nodes) {
  std::uint64_t total = 0;
  for (NodeId n = 1; n <= nodes; ++n) {
    for (std::uint32_t t = 2; t < static_cast<std::uint32_t>(MsgType::kCount); ++t) {
      total += lock_of(s, n).sent(static_cast<MsgType>(t));
    }
  }
  return total;
}

template <typename A>
const A& algorithm_of(sim::Simulator& s, NodeId id) {
  return dynamic_cast<const A&>(lock_of(s, id).algorithm());
}

inline std::uint64_t sent_of(sim::Simulator& s, std::uint32_t nodes, MsgType t) {
  std::uint64_t total = 0;
  for (NodeId n = 1; n <= nodes; ++n) total += lock_of(s, n).sent(t);
  return total;
}

inline std::uint64_t total_grants(sim::Simulator& s, std::uint32_t nodes) {
  std::uint64_t total = 0;
  for (NodeId n = 1; n <= nodes; ++n) {
    const auto* w = dynamic_cast<const MutexWorkload*>(lock_of(s, n).client());
    if (w != nullptr) total += w->stats().grants;
  }
  return total;
}

struct SwarmOutcome {
  sim::SweepResult sweep;
  CheckStats stats;
};

inline SwarmOutcome swarm(Algorithm a, std::uint64_t seeds, std::uint32_t nodes = 5) {
  sim::SweepOptions so;
  so.seeds = seeds;
  so.nodes = nodes;
  so.duration = std::chrono::seconds(10);
  so.stabilize = std::chrono::seconds(5);
  auto stats = std::make_shared<CheckStats>();
  SwarmOutcome out;
  out.sweep =
      sim::run_sweep(so, factory(config(a)), [a, stats] { return mutex_checkers(a, stats); });
  out.stats = *stats;
  return out;
}

}  // namespace synod::mutex::testing
