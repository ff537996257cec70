#include "synod/trace/messages.hpp"

#include <deque>
#include <map>
#include <tuple>
#include <unordered_map>

namespace synod::trace {
namespace {

struct IdKey {
  NodeId sender;
  std::uint64_t msg_id;
  bool operator==(const IdKey&) const = default;
};

struct IdKeyHash {
  std::size_t operator()(const IdKey& k) const {
    return std::hash<std::uint64_t>{}(k.msg_id * 1000003U ^ k.sender);
  }
};

using ChannelKey = std::tuple<NodeId, NodeId, ProtocolId>;  // sender, receiver, protocol

}  // namespace

MessageLinks link_messages(std::span<const Event* const> events) {
  MessageLinks links;
  links.send_of.assign(events.size(), MessageLinks::kNone);
  links.first_drop_of.assign(events.size(), MessageLinks::kNone);
  links.deliveries.assign(events.size(), 0);
  std::unordered_map<IdKey, std::int64_t, IdKeyHash> by_id;
  std::map<ChannelKey, std::deque<std::int64_t>> undelivered;  // unstamped sends, oldest first
  // Stamped sends first: merged real-run traces can show a delivery before its send when the
  // nodes' wall clocks disagree.
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = *events[i];
    if (e.kind == EventKind::kSend && e.msg_id != 0)
      by_id[{e.node, e.msg_id}] = static_cast<std::int64_t>(i);
  }
  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = *events[i];
    const auto idx = static_cast<std::int64_t>(i);
    switch (e.kind) {
      case EventKind::kSend:
        if (e.msg_id == 0) undelivered[{e.node, e.peer, e.protocol}].push_back(idx);
        break;
      case EventKind::kDeliver:
      case EventKind::kDrop: {
        // A deliver is recorded at the receiver (peer = sender); a drop at the sender.
        const NodeId sender = e.kind == EventKind::kDeliver ? e.peer : e.node;
        const NodeId receiver = e.kind == EventKind::kDeliver ? e.node : e.peer;
        std::int64_t send = MessageLinks::kNone;
        if (e.msg_id != 0) {
          if (auto it = by_id.find({sender, e.msg_id}); it != by_id.end()) send = it->second;
        } else if (auto it = undelivered.find({sender, receiver, e.protocol});
                   it != undelivered.end() && !it->second.empty()) {
          send = it->second.front();
          it->second.pop_front();
        }
        links.send_of[i] = send;
        if (send == MessageLinks::kNone) break;
        if (e.kind == EventKind::kDeliver) {
          ++links.deliveries[static_cast<std::size_t>(send)];
        } else if (links.first_drop_of[static_cast<std::size_t>(send)] == MessageLinks::kNone) {
          links.first_drop_of[static_cast<std::size_t>(send)] = idx;
        }
        break;
      }
      default: break;
    }
  }
  return links;
}

}  // namespace synod::trace
