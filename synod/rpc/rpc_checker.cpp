#include "synod/rpc/rpc_checker.hpp"

#include <map>
#include <string>
#include <utility>

#include "synod/rpc/endpoint.hpp"

namespace synod::rpc {
namespace {

using Id = std::pair<std::int64_t, std::int64_t>;  // (session, seq)

std::string str(const Id& id) {
  return "request (session " + std::to_string(static_cast<std::uint64_t>(id.first)) + ", seq " +
         std::to_string(id.second) + ")";
}

class RpcChecker final : public Checker {
 public:
  std::string_view name() const override { return "rpc"; }

  std::optional<std::string> on_event(const Event& e) override {
    if (e.kind != EventKind::kObserve || e.protocol != Endpoint::kId) return std::nullopt;
    const Id id{obs_get(e.fields, "session"), obs_get(e.fields, "seq")};
    if (e.what == "rpc_send") {
      sent_[id] =
          Sent{e.node, static_cast<NodeId>(obs_get(e.fields, "to")), obs_get(e.fields, "method")};
    } else if (e.what == "rpc_exec") {
      return on_exec(e, id);
    } else if (e.what == "rpc_result") {
      auto it = executed_.find(id);
      if (it == executed_.end() || it->second.server != e.node) {
        return "R4: node " + std::to_string(e.node) + " reported a result for " + str(id) +
               " it never executed";
      }
      if (obs_get(e.fields, "code") == 0) it->second.ok_hash = obs_get(e.fields, "hash");
    } else if (e.what == "rpc_done" && obs_get(e.fields, "code") == 0) {
      return on_done(e, id);
    }
    return std::nullopt;
  }

 private:
  struct Sent {
    NodeId client;
    NodeId to;
    std::int64_t method;
  };
  struct Exec {
    NodeId server;
    std::optional<std::int64_t> ok_hash;
  };

  std::optional<std::string> on_exec(const Event& e, const Id& id) {
    if (executed_.count(id) != 0) {
      return "R1: " + str(id) + " executed twice (again on node " + std::to_string(e.node) + ")";
    }
    auto s = sent_.find(id);
    const auto client = static_cast<NodeId>(obs_get(e.fields, "client"));
    if (s == sent_.end() || s->second.client != client || s->second.to != e.node ||
        s->second.method != obs_get(e.fields, "method")) {
      return "R2: node " + std::to_string(e.node) + " executed " + str(id) + " that node " +
             std::to_string(client) + " never sent it for that method";
    }
    executed_[id] = Exec{e.node, std::nullopt};
    return std::nullopt;
  }

  std::optional<std::string> on_done(const Event& e, const Id& id) {
    auto s = sent_.find(id);
    if (s == sent_.end() || s->second.client != e.node) {
      return "R3: node " + std::to_string(e.node) + " completed " + str(id) + " it did not send";
    }
    auto x = executed_.find(id);
    if (x == executed_.end() || !x->second.ok_hash) {
      return "R3: " + str(id) + " completed OK at node " + std::to_string(e.node) +
             " without a successful execution";
    }
    if (*x->second.ok_hash != obs_get(e.fields, "hash")) {
      return "R3: " + str(id) + " completed with a response the server did not produce";
    }
    return std::nullopt;
  }

  std::map<Id, Sent> sent_;
  std::map<Id, Exec> executed_;
};

}  // namespace

CheckerList rpc_checkers() {
  CheckerList list;
  list.push_back(std::make_unique<RpcChecker>());
  return list;
}

}  // namespace synod::rpc
