// The sync facade for code outside the event loop, on the simulator: start a call on a node's
// endpoint and run the simulation until it completes. Test-only (links synod_sim).
//
//   auto r = rpc::sim_call(sim, 1, [](rpc::Endpoint& ep) {
//     return ep.proxy<Calculator>(2, kCalcId).call<Calculator::kAdd>(AddRequest{1, 2});
//   });
//
// Its counterpart on real processes is runtime::RpcNode::call (synod/runtime/rpc_node.hpp), which
// runs the start function on the node's loop thread and waits on the calling thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "synod/rpc/endpoint.hpp"
#include "synod/sim/simulator.hpp"

namespace synod::rpc {

template <typename F>
auto sim_call(sim::Simulator& s, NodeId node, F start, Duration max_wait = std::chrono::seconds(60))
    -> std::remove_cvref_t<decltype(start(std::declval<Endpoint&>()).result())> {
  using R = std::remove_cvref_t<decltype(start(std::declval<Endpoint&>()).result())>;
  const std::int64_t limit = s.now_ns() + max_wait.count();
  while (s.node(node) == nullptr && s.now_ns() < limit) s.run_until(s.now_ns() + 1'000'000);
  auto* ep =
      s.node(node) == nullptr ? nullptr : static_cast<Endpoint*>(s.node(node)->find(Endpoint::kId));
  if (ep == nullptr) return R(unavailable("node " + std::to_string(node) + " is down"));
  auto out = std::make_shared<std::optional<R>>();
  ep->post([ep, out, start = std::move(start)]() mutable {
    auto pending = std::make_shared<decltype(start(*ep))>(start(*ep));
    spawn([](std::shared_ptr<decltype(start(*ep))> p,
             std::shared_ptr<std::optional<R>> o) -> Task<void> {
      o->emplace(co_await *p);
    }(pending, out));
  });
  while (!out->has_value() && s.now_ns() < limit) s.run_until(s.now_ns() + 1'000'000);
  if (!out->has_value()) return R(Status(Code::kDeadlineExceeded, "sim_call: no completion"));
  return std::move(**out);
}

}  // namespace synod::rpc
