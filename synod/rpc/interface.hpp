// Declaring an RPC interface: an abstract class plus a compile-time method table. The client proxy
// (proxy.hpp) and the server skeleton (skeleton.hpp) are generated from the table by templates;
// there is no external code generator.
//
//   class Calculator {
//    public:
//     virtual ~Calculator() = default;
//     virtual Result<AddReply> add(rpc::ServerCall& call, const AddRequest& req) = 0;        //
//     sync virtual rpc::Task<Result<DivReply>> div(rpc::ServerCall& call, DivRequest req) = 0;   //
//     async
//
//     static constexpr std::string_view kInterfaceName = "example.Calculator";
//     static constexpr auto kAdd = rpc::method(1, "add", &Calculator::add, rpc::kIdempotent);
//     static constexpr auto kDiv = rpc::method(2, "div", &Calculator::div);
//     static constexpr auto kMethods = std::make_tuple(kAdd, kDiv);
//   };
//
// A method takes one request message and returns one response message (wire-codec structs), like
// gRPC. Sync methods return Result<Resp>; async methods are coroutines returning
// Task<Result<Resp>> and take the request by value (a coroutine must own its arguments). Method
// ids must be non-zero and unique within the interface: a collision is a compile error.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <type_traits>

#include "synod/core/status.hpp"
#include "synod/rpc/object_id.hpp"
#include "synod/rpc/task.hpp"
#include "synod/wire/field.hpp"

namespace synod::rpc {

class ServerCall;

enum MethodFlags : std::uint32_t {
  kNoFlags = 0,
  // Safe to execute more than once: the client may retransmit and retry it (bounded, with
  // backoff). Other methods are sent once and executed at most once.
  kIdempotent = 1U << 0U,
};

template <typename I, typename Req, typename Resp, typename Fn, bool Async>
struct Method {
  using iface = I;
  using request = Req;
  using response = Resp;
  static constexpr bool kAsync = Async;

  std::uint32_t id;
  std::string_view name;
  Fn fn;
  std::uint32_t flags;

  constexpr bool idempotent() const { return (flags & kIdempotent) != 0; }
};

template <typename I, typename Req, typename Resp>
constexpr auto method(std::uint32_t id, std::string_view name,
                      Result<Resp> (I::*fn)(ServerCall&, const Req&),
                      std::uint32_t flags = kNoFlags) {
  static_assert(wire::Message<Req> && wire::Message<Resp>,
                "RPC request and response types must be wire messages (kFields)");
  return Method<I, Req, Resp, decltype(fn), false>{id, name, fn, flags};
}

template <typename I, typename Req, typename Resp>
constexpr auto method(std::uint32_t id, std::string_view name,
                      Task<Result<Resp>> (I::*fn)(ServerCall&, Req),
                      std::uint32_t flags = kNoFlags) {
  static_assert(wire::Message<Req> && wire::Message<Resp>,
                "RPC request and response types must be wire messages (kFields)");
  return Method<I, Req, Resp, decltype(fn), true>{id, name, fn, flags};
}

namespace detail {

template <typename Tuple, std::size_t... Is>
consteval bool ids_unique_and_nonzero(const Tuple& t, std::index_sequence<Is...>) {
  const std::array<std::uint32_t, sizeof...(Is)> ids = {std::get<Is>(t).id...};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == 0) return false;
    for (std::size_t j = i + 1; j < ids.size(); ++j) {
      if (ids[i] == ids[j]) return false;
    }
  }
  return true;
}

}  // namespace detail

// What every interface must provide; checked wherever a proxy or skeleton is instantiated.
template <typename I>
concept Interface = requires {
  { I::kInterfaceName } -> std::convertible_to<std::string_view>;
  std::tuple_size<std::remove_cv_t<decltype(I::kMethods)>>::value;
};

template <Interface I>
consteval bool check_interface() {
  constexpr auto& methods = I::kMethods;
  constexpr std::size_t n = std::tuple_size_v<std::remove_cv_t<decltype(I::kMethods)>>;
  static_assert(detail::ids_unique_and_nonzero(methods, std::make_index_sequence<n>{}),
                "RPC method ids must be non-zero and unique within an interface");
  static_assert(std::has_virtual_destructor_v<I>, "an RPC interface needs a virtual destructor");
  return true;
}

template <Interface I>
inline constexpr std::uint32_t kInterfaceId = interface_id_of(I::kInterfaceName);

}  // namespace synod::rpc
