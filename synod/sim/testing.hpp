// Helpers for simulator tests and benchmarks, so every protocol's tests set up runs the same way.
#pragma once

#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "synod/node/registry.hpp"
#include "synod/sim/simulator.hpp"

namespace synod::sim {

// A factory that gives every node one protocol built by `make()` (called again after each crash).
template <typename Make>
ProtocolFactory one_protocol(Make make) {
  return [make](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(make());
    return v;
  };
}

// The same, from a ProtocolSpec with options (as `synod sim` builds it). Aborts on bad options:
// tests pass known-good ones.
inline ProtocolFactory from_spec(ProtocolSpec spec, ProtocolOptions options = {}) {
  return [spec = std::move(spec), options = std::move(options)](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::move(spec.make(options).value()));
    return v;
  };
}

// Options for a scripted run: `faults` in the --faults grammar (docs/faults.md).
inline SimOptions scripted(const std::string& faults, std::uint32_t nodes, std::uint64_t seed = 1,
                           Duration duration = std::chrono::seconds(5),
                           Duration stabilize = std::chrono::seconds(5)) {
  SimOptions o;
  o.seed = seed;
  o.nodes = nodes;
  o.duration = duration;
  o.stabilize = stabilize;
  o.plan = parse_fault_plan(faults, nodes).value();
  return o;
}

// Seeds for a swarm acceptance test: 1,000, unless SYNOD_SWARM_SEEDS says otherwise. The sanitizer
// build sets it lower (cmake/synod.cmake) to keep `make test` within its time budget; the release
// build always runs the full 1,000.
inline std::uint64_t acceptance_seeds() {
  if (const char* env = std::getenv("SYNOD_SWARM_SEEDS")) {
    const long long v = std::atoll(env);
    if (v > 0) return static_cast<std::uint64_t>(v);
  }
  return 1000;
}

// The protocol with id `id` on node `node` (which must be up), as its concrete type.
template <typename P>
P& protocol_on(Simulator& s, NodeId node, ProtocolId id) {
  Node* n = s.node(node);
  SYNOD_ASSERT(n != nullptr && n->find(id) != nullptr);
  return *static_cast<P*>(n->find(id));
}

}  // namespace synod::sim
