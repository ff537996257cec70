// Server stubs generated from an interface's method table. One Skeleton<I> per interface class
// (stateless, shared by every servant of the class): it finds the method by id, unmarshals the
// request and returns an Invocation bound to the servant, or an error status without touching the
// servant (UNIMPLEMENTED for an unknown method, INVALID_ARGUMENT for a malformed request).
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <tuple>
#include <utility>

#include "synod/core/status.hpp"
#include "synod/rpc/interface.hpp"
#include "synod/rpc/server_call.hpp"
#include "synod/rpc/task.hpp"
#include "synod/wire/codec.hpp"

namespace synod::rpc {

// Completion of a server call: final status and, when OK, the encoded response as pieces (a large
// SharedBytes field of the response is not copied: wire::encode_chain).
using Done = std::function<void(Status, ByteChain)>;
using Invocation = std::function<void(const std::shared_ptr<ServerCall>&, Done)>;

class SkeletonBase {
 public:
  virtual ~SkeletonBase() = default;
  virtual std::uint32_t interface_id() const = 0;
  virtual std::string_view interface_name() const = 0;
  // `payload` is the encoded request; large SharedBytes fields of the request alias it.
  virtual Result<Invocation> prepare(std::shared_ptr<void> servant, std::uint32_t method,
                                     const SharedBytes& payload,
                                     const wire::Limits& limits) const = 0;
};

namespace detail {

template <typename Resp>
void finish(Result<Resp>& r, const Done& done) {
  if (r.is_ok()) {
    done(Status::ok(), wire::encode_chain(*r));
  } else {
    done(r.status(), {});
  }
}

// Runs an async servant method to completion, keeping the call and servant alive meanwhile.
template <typename Resp>
Task<void> drive(Task<Result<Resp>> task, std::shared_ptr<ServerCall> call,
                 std::shared_ptr<void> servant, Done done) {
  Result<Resp> r = co_await task;
  finish(r, done);
  (void)call;
  (void)servant;
}

template <typename I, typename M>
Invocation bind(const M& m, std::shared_ptr<I> servant, typename M::request req) {
  return [fn = m.fn, servant = std::move(servant), req = std::move(req)](
             const std::shared_ptr<ServerCall>& call, Done done) mutable {
    if constexpr (M::kAsync) {
      auto task = (servant.get()->*fn)(*call, std::move(req));
      spawn(drive<typename M::response>(std::move(task), call, servant, std::move(done)));
    } else {
      Result<typename M::response> r = (servant.get()->*fn)(*call, req);
      finish(r, done);
    }
  };
}

}  // namespace detail

template <Interface I>
class Skeleton final : public SkeletonBase {
  static_assert(check_interface<I>());

 public:
  static const Skeleton& instance() {
    static const Skeleton s;
    return s;
  }
  std::uint32_t interface_id() const override { return kInterfaceId<I>; }
  std::string_view interface_name() const override { return I::kInterfaceName; }

  Result<Invocation> prepare(std::shared_ptr<void> servant, std::uint32_t method,
                             const SharedBytes& payload,
                             const wire::Limits& limits) const override {
    auto typed = std::static_pointer_cast<I>(std::move(servant));
    std::optional<Result<Invocation>> out;
    std::apply([&](const auto&... m) { (try_method(m, method, typed, payload, limits, out), ...); },
               I::kMethods);
    if (!out) {
      return Status(Code::kUnimplemented,
                    std::string(I::kInterfaceName) + " has no method " + std::to_string(method));
    }
    return std::move(*out);
  }

 private:
  template <typename M>
  static void try_method(const M& m, std::uint32_t method, const std::shared_ptr<I>& servant,
                         const SharedBytes& payload, const wire::Limits& limits,
                         std::optional<Result<Invocation>>& out) {
    if (out || m.id != method) return;
    auto req = wire::decode<typename M::request>(payload, limits);
    if (!req) {
      out.emplace(invalid_argument(std::string(I::kInterfaceName) + "." + std::string(m.name) +
                                   ": malformed request: " + req.status().message()));
      return;
    }
    out.emplace(detail::bind<I>(m, servant, std::move(*req)));
  }
};

}  // namespace synod::rpc
