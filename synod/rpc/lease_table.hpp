// Client side of DGC: which remote objects this endpoint's proxies hold, counted per object.
// Proxies share a LeaseHold; when the last proxy of an object goes away the hold's destructor
// tells the table, which asks the endpoint to send `clean`. The table is shared with weak
// pointers, so a proxy that outlives its endpoint (during teardown) releases nothing.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "synod/rpc/object_id.hpp"

namespace synod::rpc {

struct LeaseKey {
  NodeId node = kNoNode;
  ObjectId object;
  friend auto operator<=>(const LeaseKey&, const LeaseKey&) = default;
};

class LeaseTable {
 public:
  using Released = std::function<void(const LeaseKey&)>;
  explicit LeaseTable(Released on_released) : on_released_(std::move(on_released)) {}

  // +1 reference; true when this is the first (a dirty call is due now).
  bool acquire(const LeaseKey& k) { return ++refs_[k] == 1; }
  void release(const LeaseKey& k) {
    auto it = refs_.find(k);
    if (it == refs_.end() || --it->second > 0) return;
    refs_.erase(it);
    on_released_(k);
  }
  // Held objects grouped by server node (for one renewal call per node).
  std::map<NodeId, std::vector<ObjectId>> by_node() const {
    std::map<NodeId, std::vector<ObjectId>> out;
    for (const auto& [k, n] : refs_) out[k.node].push_back(k.object);
    return out;
  }
  std::size_t size() const { return refs_.size(); }
  void disable() {
    on_released_ = [](const LeaseKey&) {};
  }

 private:
  std::map<LeaseKey, int> refs_;
  Released on_released_;
};

class LeaseHold {
 public:
  LeaseHold(std::weak_ptr<LeaseTable> table, LeaseKey key) : table_(std::move(table)), key_(key) {}
  ~LeaseHold() {
    if (auto t = table_.lock()) t->release(key_);
  }
  LeaseHold(const LeaseHold&) = delete;
  LeaseHold& operator=(const LeaseHold&) = delete;

 private:
  std::weak_ptr<LeaseTable> table_;
  LeaseKey key_;
};

}  // namespace synod::rpc
