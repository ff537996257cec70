#include "synod/runtime/rpc_node.hpp"

namespace synod::runtime {
namespace {

// An endpoint timer input with kind 0 matches no endpoint timer (kinds start at 1,
// client_call.hpp): it only runs what Endpoint::post queued, then drains the loopback queue.
constexpr std::uint64_t kWakeTag = 0;

}  // namespace

Result<std::unique_ptr<RpcNode>> RpcNode::start(NodeConfig config,
                                                std::unique_ptr<rpc::Endpoint> endpoint) {
  config.protocols = {std::string(endpoint->name())};
  std::vector<std::unique_ptr<Protocol>> protocols;
  protocols.push_back(std::move(endpoint));
  auto rt = NodeRuntime::create(std::move(config), std::move(protocols));
  if (!rt) return rt.status();
  (*rt)->set_handle_signals(false);
  std::unique_ptr<RpcNode> node(new RpcNode(std::move(*rt)));
  RpcNode* raw = node.get();
  node->loop_ = std::thread([raw] { raw->exit_code_ = raw->rt_->run(); });
  return node;
}

RpcNode::~RpcNode() { stop(); }

void RpcNode::run_in_loop(std::function<void(rpc::Endpoint&)> fn) {
  NodeRuntime* rt = rt_.get();
  rt->post([rt, fn = std::move(fn)]() mutable {
    auto* ep = static_cast<rpc::Endpoint*>(rt->find(rpc::Endpoint::kId));
    if (ep == nullptr) return;
    ep->post([ep, fn = std::move(fn)] { fn(*ep); });
    rt->input_now(rpc::Endpoint::kId, kWakeTag);
  });
}

int RpcNode::stop() {
  if (stopped_) return exit_code_;
  stopped_ = true;
  rt_->request_stop();
  if (loop_.joinable()) loop_.join();
  return exit_code_;
}

}  // namespace synod::runtime
