// RPC on the real runtime: an rpc::Endpoint hosted by a NodeRuntime whose event loop runs on its
// own thread, plus a sync facade for the calling thread (the runtime's counterpart of
// rpc::sim_call in synod/rpc/sim_sync.hpp). `synod rpc` runs its short-lived client node with it
// and bench/rpc_bench.cpp runs two of them in one process.
//
//   auto node = runtime::RpcNode::start(config, std::make_unique<rpc::Endpoint>(limits)).value();
//   Result<Number> r = node->call([](rpc::Endpoint& ep) {
//     return ep.proxy<Calculator>(2, kCalculatorId).call<Calculator::kAdd>(BinaryRequest{2, 3});
//   });
//
// It lives in synod/runtime (not synod/rpc) because it uses threads and the Asio driver, which
// scripts/check-boundaries keeps out of protocol libraries.
//
// Threading: the endpoint is only ever touched on the loop thread, inside one of its inputs.
// run_in_loop() posts a closure to the loop (NodeRuntime::post), queues it on the endpoint
// (Endpoint::post) and gives the endpoint an input at once (NodeRuntime::input_now with a tag no
// endpoint timer uses), so the closure runs inside an input without waiting for the endpoint's
// next message or timer.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <type_traits>
#include <utility>

#include "synod/rpc/endpoint.hpp"
#include "synod/rpc/task.hpp"
#include "synod/runtime/node_runtime.hpp"

namespace synod::runtime {

class RpcNode {
 public:
  // Creates the NodeRuntime hosting `endpoint` (config.protocols becomes {"rpc"}) and starts its
  // loop thread. The runtime does not handle SIGINT/SIGTERM: the owner stops it.
  static Result<std::unique_ptr<RpcNode>> start(NodeConfig config,
                                                std::unique_ptr<rpc::Endpoint> endpoint);
  ~RpcNode();
  RpcNode(const RpcNode&) = delete;
  RpcNode& operator=(const RpcNode&) = delete;

  // Runs fn(endpoint) on the loop thread inside an input of the endpoint. Thread-safe; fn is
  // dropped if the node stops first.
  void run_in_loop(std::function<void(rpc::Endpoint&)> fn);

  // Sync facade: start(ep) runs in the loop and returns an rpc::PendingCall<T> (a proxy call);
  // blocks until it completes and returns its Result<T>. The call's own deadline bounds the wait;
  // `max_wait` is a safety net (DEADLINE_EXCEEDED if it passes, UNAVAILABLE if the node stopped).
  template <typename F>
  auto call(F start, Duration max_wait = std::chrono::minutes(10))
      -> std::remove_cvref_t<decltype(start(std::declval<rpc::Endpoint&>()).result())>;

  // Stops the loop (clean shutdown: storage synced, trace flushed) and joins the thread. Returns
  // the runtime's exit code. Idempotent.
  int stop();

  NodeRuntime& runtime() { return *rt_; }

 private:
  explicit RpcNode(std::unique_ptr<NodeRuntime> rt) : rt_(std::move(rt)) {}

  std::unique_ptr<NodeRuntime> rt_;
  std::thread loop_;
  int exit_code_ = 0;
  bool stopped_ = false;
};

template <typename F>
auto RpcNode::call(F start, Duration max_wait)
    -> std::remove_cvref_t<decltype(start(std::declval<rpc::Endpoint&>()).result())> {
  using Pending = decltype(start(std::declval<rpc::Endpoint&>()));
  using R = std::remove_cvref_t<decltype(std::declval<Pending&>().result())>;
  auto done = std::make_shared<std::promise<R>>();
  std::future<R> result = done->get_future();
  run_in_loop([done, start = std::move(start)](rpc::Endpoint& ep) mutable {
    auto pending = std::make_shared<Pending>(start(ep));
    rpc::spawn(
        [](std::shared_ptr<Pending> p, std::shared_ptr<std::promise<R>> d) -> rpc::Task<void> {
          d->set_value(co_await *p);
        }(pending, done));
  });
  if (result.wait_for(max_wait) != std::future_status::ready) {
    return R(Status(Code::kDeadlineExceeded, "no completion within the client's wait limit"));
  }
  try {
    return result.get();
  } catch (const std::future_error&) {  // the loop stopped before the call started
    return R(unavailable("the client node stopped"));
  }
}

}  // namespace synod::runtime
