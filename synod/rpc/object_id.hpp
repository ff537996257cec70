// Object identities and remote references (RMI's "remote reference module").
//
// An ObjectId names one servant inside one endpoint. Objects exported for remote reference get a
// random 128-bit id from the endpoint's rng, so holding a reference is the capability to call it
// (an id cannot be guessed). Well-known objects (a service a client finds without a reference, and
// the endpoint's own DGC service) use hi == 0 and a small lo.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <tuple>

#include "synod/core/types.hpp"
#include "synod/wire/field.hpp"

namespace synod::rpc {

struct ObjectId {
  std::uint64_t hi = 0;
  std::uint64_t lo = 0;

  static constexpr ObjectId well_known(std::uint64_t n) { return {0, n}; }
  constexpr bool is_well_known() const { return hi == 0; }
  friend constexpr auto operator<=>(const ObjectId&, const ObjectId&) = default;
  std::string str() const;  // "0000...:0000..." (hex) for logs and errors

  static constexpr auto kFields = std::make_tuple(wire::field<1, wire::fixed>(&ObjectId::hi),
                                                  wire::field<2, wire::fixed>(&ObjectId::lo));
};

// The endpoint's own distributed garbage collector (see dgc.hpp).
inline constexpr ObjectId kDgcObject = ObjectId::well_known(1);
// Application well-known ids start here; below are reserved for the endpoint.
inline constexpr std::uint64_t kFirstAppWellKnown = 16;

// A typed remote reference: endpoint node, object id, interface id. It is a wire message, so it can
// be a field of any request or reply; Endpoint::attach(ref) turns it into a Proxy<I> on arrival and
// starts the lease that keeps the remote object alive. Ref<void> is the untyped form.
template <typename I>
struct Ref {
  NodeId node = kNoNode;
  ObjectId object;
  std::uint32_t interface_id = 0;

  bool valid() const { return node != kNoNode; }
  friend bool operator==(const Ref&, const Ref&) = default;

  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&Ref::node), wire::field<2>(&Ref::object),
                      wire::field<3, wire::fixed>(&Ref::interface_id));
};

// FNV-1a of an interface's name: a stable 32-bit interface id derived at compile time.
constexpr std::uint32_t interface_id_of(std::string_view name) {
  std::uint32_t h = 2166136261U;
  for (char c : name) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619U;
  }
  return h;
}

}  // namespace synod::rpc
