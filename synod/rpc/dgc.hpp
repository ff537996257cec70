// The distributed garbage collector's own interface, served by every endpoint at the well-known
// object kDgcObject and called through the same proxies and skeletons as any application
// interface. dirty = "I hold these references, extend my lease"; clean = "I released them".
// Both are idempotent (a lease renewal or release applied twice changes nothing).
#pragma once

#include <cstdint>
#include <tuple>
#include <vector>

#include "synod/rpc/interface.hpp"
#include "synod/rpc/object_id.hpp"
#include "synod/wire/field.hpp"

namespace synod::rpc {

struct DgcRequest {
  std::vector<ObjectId> ids;
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&DgcRequest::ids));
};

struct DgcReply {
  std::int64_t lease_ns = 0;
  std::vector<ObjectId> unknown;  // ids the server no longer has: calls on them are NOT_FOUND
  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&DgcReply::lease_ns), wire::field<2>(&DgcReply::unknown));
};

class DgcService {
 public:
  virtual ~DgcService() = default;
  // The holder is (caller node, caller session), taken from the call itself.
  virtual Result<DgcReply> dirty(ServerCall& call, const DgcRequest& req) = 0;
  virtual Result<DgcReply> clean(ServerCall& call, const DgcRequest& req) = 0;

  static constexpr std::string_view kInterfaceName = "synod.rpc.Dgc";
  static constexpr auto kDirty = method(1, "dirty", &DgcService::dirty, kIdempotent);
  static constexpr auto kClean = method(2, "clean", &DgcService::clean, kIdempotent);
  static constexpr auto kMethods = std::make_tuple(kDirty, kClean);
};

}  // namespace synod::rpc
