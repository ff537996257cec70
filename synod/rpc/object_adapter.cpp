#include "synod/rpc/object_adapter.hpp"

namespace synod::rpc {

Status ObjectAdapter::add(ObjectId id, Export e) {
  if (objects_.size() >= max_objects_) {
    return resource_exhausted("object adapter full (" + std::to_string(max_objects_) + " objects)");
  }
  if (!objects_.emplace(id, std::move(e)).second) {
    return Status(Code::kAlreadyExists, "object " + id.str() + " already exported");
  }
  return Status::ok();
}

Export* ObjectAdapter::find(const ObjectId& id) {
  auto it = objects_.find(id);
  return it == objects_.end() ? nullptr : &it->second;
}

bool ObjectAdapter::remove(const ObjectId& id) { return objects_.erase(id) != 0; }

bool ObjectAdapter::dirty(const ObjectId& id, Holder h, Time until) {
  Export* e = find(id);
  if (e == nullptr) return false;
  e->leases[h] = until;
  return true;
}

void ObjectAdapter::clean(const ObjectId& id, Holder h) {
  if (Export* e = find(id)) e->leases.erase(h);
}

std::vector<ObjectId> ObjectAdapter::collect(Time now, bool ignore_leases) {
  std::vector<ObjectId> gone;
  for (auto it = objects_.begin(); it != objects_.end();) {
    auto& leases = it->second.leases;
    std::erase_if(leases, [now](const auto& kv) { return kv.second <= now; });
    if (garbage(it->second, now, ignore_leases)) {
      gone.push_back(it->first);
      it = objects_.erase(it);  // the servant dies here unless a running call still holds it
    } else {
      ++it;
    }
  }
  return gone;
}

std::size_t ObjectAdapter::collectable_count() const {
  std::size_t n = 0;
  for (const auto& [id, e] : objects_) n += e.permanent ? 0 : 1;
  return n;
}

}  // namespace synod::rpc
