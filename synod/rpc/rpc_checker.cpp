#include "synod/rpc/rpc_checker.hpp"

#include <algorithm>
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

std::vector<MutantSpec> endpoint_mutants(bool rmi) {
  std::vector<MutantSpec> m = {
      {.tag = "P1", .rule = "executes a duplicate of a finished request again", .caught_by = "rpc"},
      {.tag = "P2",
       .rule = "executes a request addressed to an earlier server life",
       .caught_by = "rpc"},
      {.tag = "P3",
       .rule = "retries a non-idempotent call under a new id after a server restart",
       .caught_by = "rpc_retry"},
      {.tag = "P4",
       .rule = "the deadline sends a cancel but leaves the call waiting",
       .caught_by = "rpc_deadline"},
      {.tag = "P5", .rule = "a cancel never reaches the running call", .caught_by = "rpc_cancel"},
      {.tag = "P6",
       .rule = "the server epoch is never synced (lives repeat it)",
       .caught_by = "rpc_epoch"},
  };
  if (rmi) {
    m.push_back({.tag = "P7",
                 .rule = "DGC collects objects whose leases are still held",
                 .caught_by = "rmi_dgc"});
  }
  return m;
}

Duration longest_deadline(Duration call_deadline, Duration lease) {
  return std::max(call_deadline, lease / 3);  // DGC calls have lease/3 (dgc.cpp)
}

CheckerList rpc_checkers(Duration longest_deadline) {
  CheckerList list;
  list.push_back(std::make_unique<RpcChecker>());
  list.push_back(retry_checker());
  list.push_back(deadline_checker(longest_deadline));
  list.push_back(cancel_checker());
  list.push_back(epoch_checker());
  list.push_back(dgc_checker());
  return list;
}

}  // namespace synod::rpc
