// The server-side rules' checkers: R8 (a new epoch per real server life) and R9 (DGC collects no
// object whose grace or lease is running, judged in true time). See rpc_checker.hpp.
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "synod/rpc/endpoint.hpp"
#include "synod/rpc/rpc_checker.hpp"

namespace synod::rpc {
namespace {

bool rpc_observation(const Event& e, std::string_view what) {
  return e.kind == EventKind::kObserve && e.protocol == Endpoint::kId && e.what == what;
}

class EpochChecker final : public Checker {
 public:
  std::string_view name() const override { return "rpc_epoch"; }

  std::optional<std::string> on_event(const Event& e) override {
    if (e.kind == EventKind::kStart || e.kind == EventKind::kRecover ||
        e.kind == EventKind::kCrash) {
      announced_.erase(e.node);  // a real new life (ground truth): it must announce its own
      if (e.kind != EventKind::kCrash) started_.insert(e.node);
      return std::nullopt;
    }
    if (rpc_observation(e, "rpc_epoch")) {
      const std::int64_t epoch = obs_get(e.fields, "epoch");
      auto [it, fresh] = highest_.emplace(e.node, epoch);
      if (!fresh && epoch <= it->second) {
        return "R8: a new life of node " + std::to_string(e.node) + " announced epoch " +
               std::to_string(epoch) + ", but an earlier life already had epoch " +
               std::to_string(it->second);
      }
      it->second = epoch;
      announced_.insert(e.node);
    } else if (rpc_observation(e, "rpc_exec") && started_.contains(e.node) &&
               !announced_.contains(e.node)) {
      return "R8: node " + std::to_string(e.node) +
             " executed a request before announcing this life's epoch";
    }
    return std::nullopt;
  }

 private:
  std::map<NodeId, std::int64_t> highest_;
  std::set<NodeId> announced_;  // nodes whose current life has its epoch
  std::set<NodeId> started_;    // nodes whose current life began inside the trace
};

class DgcChecker final : public Checker {
 public:
  std::string_view name() const override { return "rmi_dgc"; }

  std::optional<std::string> on_event(const Event& e) override {
    if (e.kind == EventKind::kStart || e.kind == EventKind::kRecover ||
        e.kind == EventKind::kCrash) {
      std::erase_if(objects_, [&e](const auto& kv) { return std::get<0>(kv.first) == e.node; });
      return std::nullopt;
    }
    if (e.kind == EventKind::kFault && (e.what == "clock step" || e.what == "clock drift")) {
      // The server's clock no longer measures leases at a known rate: excuse its objects.
      for (auto& [k, o] : objects_) o.excused = o.excused || std::get<0>(k) == e.node;
      return std::nullopt;
    }
    if (e.kind != EventKind::kObserve || e.protocol != Endpoint::kId) return std::nullopt;
    const Key k{e.node, obs_get(e.fields, "hi"), obs_get(e.fields, "lo")};
    if (e.what == "rmi_export") {
      objects_[k] = Object{e.time_ns + min_true(obs_get(e.fields, "lease_ns")), {}, false};
    } else if (e.what == "rmi_lease") {
      auto it = objects_.find(k);
      if (it == objects_.end()) return std::nullopt;
      it->second.leases[holder(e)] = e.time_ns + min_true(obs_get(e.fields, "lease_ns"));
    } else if (e.what == "rmi_release") {
      auto it = objects_.find(k);
      if (it != objects_.end()) it->second.leases.erase(holder(e));
    } else if (e.what == "rmi_collect") {
      auto it = objects_.find(k);
      if (it == objects_.end()) return std::nullopt;
      const Object o = std::move(it->second);
      objects_.erase(it);
      if (obs_get(e.fields, "explicit") != 0) return std::nullopt;  // unexport: the app's call
      std::optional<std::string> why;
      if (e.time_ns < o.grace_until_ns) {
        why = "its export grace had " + left(o.grace_until_ns, e.time_ns) + " to run";
      }
      for (const auto& [h, until] : o.leases) {
        if (!why && e.time_ns < until) {
          why = "the lease of node " + std::to_string(h.first) + " had " + left(until, e.time_ns) +
                " to run";
        }
      }
      if (!why) return std::nullopt;
      if (o.excused) {
        ++excused_;
        return std::nullopt;
      }
      return "R9: node " + std::to_string(e.node) + " collected object " +
             ObjectId{static_cast<std::uint64_t>(std::get<1>(k)),
                      static_cast<std::uint64_t>(std::get<2>(k))}
                 .str() +
             " while " + *why;
    }
    return std::nullopt;
  }

  std::vector<Verdict> verdicts() const override {
    if (excused_ == 0) return {};
    return {
        {"excused", "early collection on a server whose clock was stepped or re-rated", excused_}};
  }

 private:
  using Key = std::tuple<NodeId, std::int64_t, std::int64_t>;  // (server, object hi, lo)
  using Holder = std::pair<NodeId, std::int64_t>;              // (client node, session)
  struct Object {
    std::int64_t grace_until_ns;            // true time
    std::map<Holder, std::int64_t> leases;  // holder -> earliest true expiry
    bool excused;
  };
  static Holder holder(const Event& e) {
    return {static_cast<NodeId>(obs_get(e.fields, "holder")), obs_get(e.fields, "session")};
  }
  // The shortest true time a span of `local_ns` on a node's clock can take.
  static std::int64_t min_true(std::int64_t local_ns) {
    return static_cast<std::int64_t>(static_cast<double>(local_ns) * (1.0 - kRateTolerance)) -
           1'000'000;
  }
  static std::string left(std::int64_t until, std::int64_t now) {
    return format_duration(Duration(until - now));
  }

  std::map<Key, Object> objects_;
  std::uint64_t excused_ = 0;
};

}  // namespace

std::unique_ptr<Checker> epoch_checker() { return std::make_unique<EpochChecker>(); }
std::unique_ptr<Checker> dgc_checker() { return std::make_unique<DgcChecker>(); }

}  // namespace synod::rpc
