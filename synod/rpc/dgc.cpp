// Distributed garbage collection: the built-in DGC servant (server side), lease holds and
// renewals (client side), and collection of objects whose leases all expired.
#include "synod/rpc/dgc.hpp"

#include <algorithm>

#include "synod/rpc/client_call.hpp"
#include "synod/rpc/proxy.hpp"

namespace synod::rpc {

class Endpoint::DgcServant final : public DgcService {
 public:
  explicit DgcServant(Endpoint& ep) : ep_(ep) {}

  Result<DgcReply> dirty(ServerCall& call, const DgcRequest& req) override {
    if (req.ids.size() > ep_.limits_.max_ids_per_dgc_call) return invalid_argument("too many ids");
    DgcReply reply{ep_.limits_.lease.count(), {}};
    const Holder h{call.caller(), call.session()};
    for (const ObjectId& id : req.ids) {
      if (!ep_.adapter_.dirty(id, h, ep_.now_ + ep_.limits_.lease)) {
        reply.unknown.push_back(id);
        continue;
      }
      ep_.context().observe("rmi_lease", {{"hi", obs_u64(id.hi)},
                                          {"lo", obs_u64(id.lo)},
                                          {"holder", h.node},
                                          {"session", obs_u64(h.session)},
                                          {"lease_ns", ep_.limits_.lease.count()}});
    }
    return reply;
  }

  Result<DgcReply> clean(ServerCall& call, const DgcRequest& req) override {
    if (req.ids.size() > ep_.limits_.max_ids_per_dgc_call) return invalid_argument("too many ids");
    const Holder h{call.caller(), call.session()};
    for (const ObjectId& id : req.ids) {
      ep_.adapter_.clean(id, h);
      ep_.context().observe("rmi_release", {{"hi", obs_u64(id.hi)},
                                            {"lo", obs_u64(id.lo)},
                                            {"holder", h.node},
                                            {"session", obs_u64(h.session)}});
    }
    ep_.collect_garbage();  // an explicit release frees the object as soon as its grace is over
    return DgcReply{ep_.limits_.lease.count(), {}};
  }

 private:
  Endpoint& ep_;
};

void Endpoint::serve_dgc() {
  const Status st = add_export(kDgcObject, std::make_shared<DgcServant>(*this),
                               Skeleton<DgcService>::instance(), /*permanent=*/true);
  SYNOD_ASSERT(st.is_ok());  // a fresh adapter always has room for its first object
}

Status Endpoint::add_export(ObjectId id, std::shared_ptr<void> servant, const SkeletonBase& sk,
                            bool permanent) {
  Export e{std::move(servant), &sk, permanent, now_ + limits_.lease, {}};
  SYNOD_RETURN_IF_ERROR(adapter_.add(id, std::move(e)));
  if (!permanent) {
    context().observe(
        "rmi_export",
        {{"hi", obs_u64(id.hi)}, {"lo", obs_u64(id.lo)}, {"lease_ns", limits_.lease.count()}});
  }
  return Status::ok();
}

bool Endpoint::unexport(const ObjectId& id) {
  if (!adapter_.remove(id)) return false;
  if (input_.active()) {
    input_.get().observe("rmi_collect",
                         {{"hi", obs_u64(id.hi)}, {"lo", obs_u64(id.lo)}, {"explicit", 1}});
  }
  return true;
}

void Endpoint::collect_garbage() {
  // P7: only objects without an unexpired lease whose grace is over. Mutant P7: leases are
  // ignored, so an object still held is collected once its grace is over.
  for (const ObjectId& id : adapter_.collect(now_, /*ignore_leases=*/mutant_.breaks("P7"))) {
    ++stats_.collected;
    context().observe("rmi_collect",
                      {{"hi", obs_u64(id.hi)}, {"lo", obs_u64(id.lo)}, {"explicit", 0}});
  }
}

std::shared_ptr<LeaseHold> Endpoint::hold(const LeaseKey& k) {
  if (leases_->acquire(k)) send_dgc(k.node, {k.object}, /*dirty=*/true);
  return std::make_shared<LeaseHold>(leases_, k);
}

void Endpoint::renew_leases() {
  for (auto& [node, ids] : leases_->by_node()) send_dgc(node, std::move(ids), /*dirty=*/true);
}

void Endpoint::on_lease_released(const LeaseKey& k) {
  if (closing_) return;  // a dead client's leases simply expire
  if (!input_.active()) {
    to_clean_.push_back(k);  // sent at the next input
    return;
  }
  send_dgc(k.node, {k.object}, /*dirty=*/false);
}

void Endpoint::send_dgc(NodeId node, std::vector<ObjectId> ids, bool dirty) {
  Proxy<DgcService> dgc(*this, node, kDgcObject);
  CallOptions opts;
  opts.deadline = limits_.lease / 3;  // a renewal older than that is superseded by the next one
  for (std::size_t i = 0; i < ids.size(); i += limits_.max_ids_per_dgc_call) {
    DgcRequest req;
    const auto end = std::min(ids.size(), i + limits_.max_ids_per_dgc_call);
    req.ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(i),
                   ids.begin() + static_cast<std::ptrdiff_t>(end));
    auto ignore = [](const Result<DgcReply>&) {};  // unknown ids: later calls get NOT_FOUND
    if (dirty) {
      dgc.call<DgcService::kDirty>(req, ignore, opts);
    } else {
      dgc.call<DgcService::kClean>(req, ignore, opts);
    }
  }
}

}  // namespace synod::rpc
