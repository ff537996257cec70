#include "synod/sim/sim_storage.hpp"

namespace synod::sim {

Status SimStorage::put(std::string_view key, ByteView value) {
  if (!valid_storage_key(key))
    return invalid_argument("bad storage key '" + std::string(key) + "'");
  if (value.size() > kMaxValueBytes) return resource_exhausted("storage value too large");
  staged_.insert_or_assign(std::string(key), Bytes(value.begin(), value.end()));
  return Status::ok();
}

Status SimStorage::erase(std::string_view key) {
  if (!valid_storage_key(key))
    return invalid_argument("bad storage key '" + std::string(key) + "'");
  staged_.insert_or_assign(std::string(key), std::nullopt);
  return Status::ok();
}

std::optional<Bytes> SimStorage::get(std::string_view key) const {
  if (auto it = staged_.find(key); it != staged_.end()) return it->second;
  if (auto it = durable_.find(key); it != durable_.end()) return it->second;
  return std::nullopt;
}

Status SimStorage::sync() {
  for (auto& [key, value] : staged_) {
    if (value) {
      durable_.insert_or_assign(key, std::move(*value));
    } else {
      durable_.erase(key);
    }
  }
  staged_.clear();
  ++syncs_;
  return Status::ok();
}

}  // namespace synod::sim
