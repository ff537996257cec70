// The seed's definitions of global state, as pure functions (Coulouris et al., "Global states").
//
// A process's history is the sequence of its events; a cut takes a prefix of each history, and
// the global state S = (s1..sN) is the local state each process reached at the end of its prefix.
// Only sends and receives matter to the definitions, so a prefix is summarised by the messages it
// sent and the messages it received, each named by a MessageId:
//   - m is in transit in S if send(m) is in S and receive(m) is not;
//   - m is inconsistent in S if receive(m) is in S and send(m) is not;
//   - S is consistent if no message is inconsistent, transitless if none is in transit, and
//     strongly consistent if both.
// The snapshot layer judges its assembled states with these, and the bank checker judges the cut
// it rebuilds from observations with the same functions.
#pragma once

#include <compare>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "synod/core/types.hpp"

namespace synod::snapshot {

// A message on the channel from -> to; `seq` numbers the channel's messages (or any id unique on
// that channel).
struct MessageId {
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  std::uint64_t seq = 0;
  auto operator<=>(const MessageId&) const = default;
};

std::string to_string(const MessageId& m);

// What a process's prefix of the cut contains.
struct LocalPrefix {
  NodeId node = kNoNode;
  std::set<MessageId> sent;
  std::set<MessageId> received;
};

using Cut = std::vector<LocalPrefix>;

// Both in ascending MessageId order.
std::vector<MessageId> in_transit(const Cut& cut);
std::vector<MessageId> inconsistent(const Cut& cut);

bool is_consistent(const Cut& cut);
bool is_transitless(const Cut& cut);
bool is_strongly_consistent(const Cut& cut);

// Channels whose messages are numbered 1, 2, 3 ... in send order and received in that order
// (FIFO, no loss) need only counts: process i sent messages 1..s on (i -> j) and j received
// 1..r. Messages 1..min(s, r) are both sent and received and never matter to the definitions,
// so they are left out: the cut holds only the boundary messages, whatever the history's length.
struct ChannelCounts {
  NodeId from = kNoNode;
  NodeId to = kNoNode;
  std::uint64_t sent = 0;      // by `from`, in its prefix
  std::uint64_t received = 0;  // by `to`, in its prefix
};
Cut cut_from_counts(const std::vector<ChannelCounts>& channels);

}  // namespace synod::snapshot
