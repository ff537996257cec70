// The object adapter: the registry of servants of one endpoint, by object id, each with the
// skeleton of its class and, for objects handed out by remote reference, its leases.
//
// Lifetime (lease-based distributed GC, like Java RMI's DGC): a client holding a reference renews
// a lease on it (dirty) and releases it explicitly when done (clean). A non-permanent object is
// collected when it has no unexpired lease and its export grace (one lease period from export,
// covering the reference's trip to its first holder) is over. Permanent objects (well-known
// services) are never collected.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "synod/core/time.hpp"
#include "synod/rpc/object_id.hpp"
#include "synod/rpc/skeleton.hpp"

namespace synod::rpc {

// Who holds a lease: a client node in one of its lives (its session nonce).
struct Holder {
  NodeId node = kNoNode;
  std::uint64_t session = 0;
  friend auto operator<=>(const Holder&, const Holder&) = default;
};

struct Export {
  std::shared_ptr<void> servant;
  const SkeletonBase* skeleton = nullptr;
  bool permanent = false;
  Time grace_until;
  std::map<Holder, Time> leases;  // holder -> expiry on this node's clock
};

class ObjectAdapter {
 public:
  explicit ObjectAdapter(std::size_t max_objects) : max_objects_(max_objects) {}

  Status add(ObjectId id, Export e);
  Export* find(const ObjectId& id);
  bool remove(const ObjectId& id);

  // Lease renewal; false when the object is unknown (already collected or never exported).
  bool dirty(const ObjectId& id, Holder h, Time until);
  void clean(const ObjectId& id, Holder h);
  // Drops expired leases and returns the objects collected now (erased from the adapter).
  // `ignore_leases` is for the P7 mutant only (endpoint.hpp): it collects leased objects too.
  std::vector<ObjectId> collect(Time now, bool ignore_leases = false);

  std::size_t size() const { return objects_.size(); }
  std::size_t collectable_count() const;  // non-permanent objects currently exported

 private:
  static bool garbage(const Export& e, Time now, bool ignore_leases) {
    return !e.permanent && (e.leases.empty() || ignore_leases) && now >= e.grace_until;
  }
  std::size_t max_objects_;
  std::map<ObjectId, Export> objects_;
};

}  // namespace synod::rpc
