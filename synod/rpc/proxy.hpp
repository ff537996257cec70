// Client stubs generated from an interface's method table. A Proxy<I> names one remote object
// (node + object id) and marshals calls to it:
//
//   Proxy<Calculator> calc = ep.proxy<Calculator>(2, kCalculatorId);
//   Result<AddReply> r = co_await calc.call<Calculator::kAdd>(AddRequest{1, 2});     // coroutine
//   calc.call<Calculator::kAdd>(AddRequest{1, 2}, [](Result<AddReply> r) { ... });   // callback
//
// The method is named by its descriptor (Calculator::kAdd), so the request and response types
// and the idempotent flag come from the table at compile time; a descriptor of another interface
// is a compile error. A proxy is a cheap value; copies share one DGC lease. Proxies belong to the
// endpoint that made them and must not outlive it.
#pragma once

#include <concepts>
#include <memory>
#include <utility>

#include "synod/rpc/endpoint.hpp"
#include "synod/wire/codec.hpp"

namespace synod::rpc {

template <Interface I>
class Proxy {
  static_assert(check_interface<I>());

 public:
  Proxy() = default;
  Proxy(Endpoint& ep, NodeId node, ObjectId object, std::shared_ptr<LeaseHold> lease = nullptr)
      : ep_(&ep), node_(node), object_(object), lease_(std::move(lease)) {}

  bool valid() const { return ep_ != nullptr; }
  NodeId node() const { return node_; }
  const ObjectId& object() const { return object_; }
  // The reference to pass to someone else (who attaches it to get their own proxy and lease).
  Ref<I> ref() const { return Ref<I>{node_, object_, kInterfaceId<I>}; }

  template <const auto& M>
  PendingCall<typename std::remove_cvref_t<decltype(M)>::response> call(
      const typename std::remove_cvref_t<decltype(M)>::request& req, CallOptions opts = {}) const {
    using Resp = typename std::remove_cvref_t<decltype(M)>::response;
    auto state = std::make_shared<CallState<Resp>>();
    const CallId id = call<M>(
        req, [state](Result<Resp> r) { state->complete(std::move(r)); }, std::move(opts));
    return PendingCall<Resp>(std::move(state), id);
  }

  template <const auto& M, typename F>
  requires std::invocable<F&, Result<typename std::remove_cvref_t<decltype(M)>::response>> CallId
  call(const typename std::remove_cvref_t<decltype(M)>::request& req, F&& done,
       CallOptions opts = {})
  const {
    using Desc = std::remove_cvref_t<decltype(M)>;
    using Resp = typename Desc::response;
    static_assert(std::is_same_v<typename Desc::iface, I>, "method of another interface");
    SYNOD_ASSERT(valid());
    RawCall raw{node_, object_, M.id, M.idempotent(), wire::encode_chain(req), std::move(opts)};
    return ep_->call_raw(
        std::move(raw), [done = std::forward<F>(done)](Result<SharedBytes> r) mutable {
          if (!r) return done(Result<Resp>(r.status()));
          auto decoded = wire::decode<Resp>(*r);
          if (!decoded) {
            return done(
                Result<Resp>(internal_error("malformed response: " + decoded.status().message())));
          }
          done(std::move(decoded));
        });
  }

 private:
  Endpoint* ep_ = nullptr;
  NodeId node_ = kNoNode;
  ObjectId object_;
  std::shared_ptr<LeaseHold> lease_;
};

template <Interface I>
Proxy<I> Endpoint::proxy(NodeId node, std::uint64_t well_known) {
  return Proxy<I>(*this, node, ObjectId::well_known(well_known));
}

template <Interface I>
Result<Proxy<I>> Endpoint::attach(const Ref<I>& ref) {
  if (!ref.valid()) return invalid_argument("attach: empty reference");
  if (ref.interface_id != kInterfaceId<I>) {
    return invalid_argument("attach: reference is for interface " +
                            std::to_string(ref.interface_id) + ", not " +
                            std::string(I::kInterfaceName));
  }
  if (ref.object.is_well_known()) return Proxy<I>(*this, ref.node, ref.object);
  return Proxy<I>(*this, ref.node, ref.object, hold({ref.node, ref.object}));
}

}  // namespace synod::rpc
