#include "synod/snapshot/global_state.hpp"

#include <algorithm>
#include <map>

namespace synod::snapshot {
namespace {

// Every message of `of` (sent or received, per `pick`) that no prefix has in `other`.
template <typename Pick, typename Other>
std::vector<MessageId> unmatched(const Cut& cut, Pick pick, Other other) {
  std::set<MessageId> all_other;
  for (const auto& p : cut) all_other.insert(other(p).begin(), other(p).end());
  std::set<MessageId> out;
  for (const auto& p : cut) {
    for (const MessageId& m : pick(p)) {
      if (all_other.count(m) == 0) out.insert(m);
    }
  }
  return {out.begin(), out.end()};
}

const std::set<MessageId>& sent(const LocalPrefix& p) { return p.sent; }
const std::set<MessageId>& received(const LocalPrefix& p) { return p.received; }

}  // namespace

std::string to_string(const MessageId& m) {
  return std::to_string(m.from) + "->" + std::to_string(m.to) + "#" + std::to_string(m.seq);
}

// Transit: send(m) in S, receive(m) not.
std::vector<MessageId> in_transit(const Cut& cut) { return unmatched(cut, sent, received); }

// Inconsistent: receive(m) in S, send(m) not.
std::vector<MessageId> inconsistent(const Cut& cut) { return unmatched(cut, received, sent); }

bool is_consistent(const Cut& cut) { return inconsistent(cut).empty(); }
bool is_transitless(const Cut& cut) { return in_transit(cut).empty(); }
bool is_strongly_consistent(const Cut& cut) { return is_consistent(cut) && is_transitless(cut); }

Cut cut_from_counts(const std::vector<ChannelCounts>& channels) {
  std::map<NodeId, LocalPrefix> by_node;  // ordered: the cut comes out in node order
  auto prefix = [&](NodeId n) -> LocalPrefix& {
    LocalPrefix& p = by_node[n];
    p.node = n;
    return p;
  };
  for (const ChannelCounts& c : channels) {
    LocalPrefix& from = prefix(c.from);
    LocalPrefix& to = prefix(c.to);
    const std::uint64_t common = std::min(c.sent, c.received);
    for (std::uint64_t s = common + 1; s <= c.sent; ++s) from.sent.insert({c.from, c.to, s});
    for (std::uint64_t s = common + 1; s <= c.received; ++s) to.received.insert({c.from, c.to, s});
  }
  Cut cut;
  for (auto& [node, p] : by_node) cut.push_back(std::move(p));
  return cut;
}

}  // namespace synod::snapshot
