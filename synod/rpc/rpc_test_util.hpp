// Test helpers: a cluster of endpoints in the simulator, each set up by one function.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "synod/rpc/lambda_app.hpp"
#include "synod/rpc/rpc_checker.hpp"
#include "synod/rpc/sim_sync.hpp"
#include "synod/sim/simulator.hpp"
#include "synod/sim/testing.hpp"

namespace synod::rpc::test_util {

using NodeSetup = std::function<void(NodeId, Endpoint&)>;

inline sim::ProtocolFactory cluster(NodeSetup setup, RpcLimits limits = {}) {
  return [setup = std::move(setup), limits](NodeId id) {
    std::vector<std::unique_ptr<App>> apps;
    apps.push_back(make_app([setup, id](Endpoint& ep) { setup(id, ep); }));
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::make_unique<Endpoint>(limits, std::move(apps)));
    return v;
  };
}

inline sim::SimOptions sim_options(const std::string& faults, std::uint32_t nodes,
                                   std::uint64_t seed = 1) {
  return sim::scripted(faults, nodes, seed, std::chrono::seconds(60), std::chrono::seconds(5));
}

inline Endpoint& endpoint(sim::Simulator& s, NodeId id) {
  return *static_cast<Endpoint*>(s.node(id)->find(Endpoint::kId));
}

inline std::int64_t ms(std::int64_t v) { return v * 1'000'000; }

}  // namespace synod::rpc::test_util
