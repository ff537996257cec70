// Vector clocks (Fidge 1988, Mattern 1989) over a cluster whose members are arbitrary NodeIds.
//
// The textbook rules, applied by ProcessVectorClock:
//   VC1: before each event (local, send, receive) process i increments its own entry V[i].
//   VC2: a send piggybacks t = V; on receiving (m, t) process i sets V[j] := max(V[j], t[j]) for
//        every j (element-wise max), then applies VC1 before stamping the receive event.
// Guarantee (strong clock condition): e -> f  iff  V(e) < V(f), where
//   V <= W  iff  V[j] <= W[j] for all j,   V < W  iff  V <= W and V != W,
//   and e || f (concurrent) iff neither V(e) <= V(f) nor V(f) <= V(e).
//
// Representation: a sorted vector of (NodeId, count) pairs holding only the non-zero entries; an
// absent node counts 0. So clocks built by processes that knew different memberships (a node that
// joined later, a node that never heard of another) merge and compare correctly, and a clock
// costs 16 bytes per node that has had an event in its causal past.
//
// Limits: a clock holds at most `max_entries` entries (default kDefaultMaxEntries = 4096). A
// merge, increment or decode that would exceed it returns RESOURCE_EXHAUSTED and leaves the
// clock unchanged: a malicious or buggy peer cannot make a node allocate without bound. Counts
// received from peers are at most kMaxCount (2^62).
//
// Encoding (canonical: equal clocks encode to equal bytes):
//   varint(n)  then n times  varint(node_gap) varint(count)
// with unsigned LEB128 varints (as protobuf), entries in increasing node order,
// node_gap = node for the first entry and node - previous_node - 1 afterwards, count >= 1.
// decode() rejects truncated input, over-long or non-minimal varints, node ids above 2^32 - 1,
// zero or too large counts, too many entries and trailing bytes, without reading out of bounds or
// allocating more than the input size justifies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "synod/core/status.hpp"
#include "synod/core/types.hpp"

namespace synod::causal {

// How two vector timestamps V (this) and W (other) relate.
enum class Order : std::uint8_t {
  kEqual,       // V == W: the same event, or events with the same causal past
  kBefore,      // V < W: V happened before W
  kAfter,       // W < V: W happened before V
  kConcurrent,  // neither: concurrent events
};
std::string_view order_name(Order order);

struct VectorEntry {
  NodeId node = 0;
  std::uint64_t count = 0;
  friend bool operator==(const VectorEntry&, const VectorEntry&) = default;
};

class VectorClock {
 public:
  static constexpr std::size_t kDefaultMaxEntries = 4096;
  static constexpr std::uint64_t kMaxCount = std::uint64_t{1} << 62U;

  VectorClock() = default;

  // A clock with the given entries, in any order; zero counts are dropped. Errors: a node listed
  // twice (INVALID_ARGUMENT), a count above kMaxCount (OUT_OF_RANGE), more than max_entries
  // non-zero entries (RESOURCE_EXHAUSTED).
  static Result<VectorClock> from_entries(std::vector<VectorEntry> entries,
                                          std::size_t max_entries = kDefaultMaxEntries);

  // V[node]; 0 for a node that has no entry.
  std::uint64_t get(NodeId node) const;
  // Number of non-zero entries.
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // The non-zero entries in increasing node order.
  std::span<const VectorEntry> entries() const { return entries_; }

  // V[node] := V[node] + 1 (VC1); returns the new count. RESOURCE_EXHAUSTED if node has no entry
  // yet and the clock already holds max_entries entries.
  Result<std::uint64_t> increment(NodeId node, std::size_t max_entries = kDefaultMaxEntries);

  // V := max(V, other) element-wise (VC2). RESOURCE_EXHAUSTED, and V unchanged, if the result would
  // hold more than max_entries entries.
  Status merge(const VectorClock& other, std::size_t max_entries = kDefaultMaxEntries);

  // Number of entries merge(other) would produce.
  std::size_t union_size(const VectorClock& other) const;

  Order compare(const VectorClock& other) const;
  // V <= W: this event happened before, or is, the other.
  bool before_or_equal(const VectorClock& other) const {
    const Order o = compare(other);
    return o == Order::kEqual || o == Order::kBefore;
  }
  // V < W: this event happened before the other.
  bool happened_before(const VectorClock& other) const { return compare(other) == Order::kBefore; }
  bool concurrent_with(const VectorClock& other) const {
    return compare(other) == Order::kConcurrent;
  }
  friend bool operator==(const VectorClock&, const VectorClock&) = default;

  Bytes encode() const;
  // Appends the encoding to out.
  void encode_to(Bytes& out) const;
  std::size_t encoded_size() const;
  static Result<VectorClock> decode(ByteView in, std::size_t max_entries = kDefaultMaxEntries);

  // "{1:3, 7:1}" (non-zero entries only; "{}" when empty).
  std::string to_string() const;

 private:
  // True if both clocks have entries for exactly the same nodes.
  bool same_nodes(const VectorClock& other) const;

  std::vector<VectorEntry> entries_;  // sorted by node, strictly increasing, every count >= 1
};

// The vector clock of one process, applying VC1 and VC2.
class ProcessVectorClock {
 public:
  explicit ProcessVectorClock(NodeId self,
                              std::size_t max_entries = VectorClock::kDefaultMaxEntries);

  // VC1 for a local event; returns the event's timestamp.
  const VectorClock& tick();
  // VC1 for a send event; returns the timestamp to piggyback on the message.
  const VectorClock& on_send();
  // VC2 then VC1 for the receive of a message stamped `stamp`; the receive event's timestamp is
  // clock() afterwards. On RESOURCE_EXHAUSTED (the merged clock would exceed max_entries, counting
  // our own entry) nothing changes and no event is recorded.
  Status on_receive(const VectorClock& stamp);

  const VectorClock& clock() const { return clock_; }
  NodeId self() const { return self_; }
  std::size_t max_entries() const { return max_entries_; }

 private:
  NodeId self_;
  std::size_t max_entries_;
  VectorClock clock_;
};

}  // namespace synod::causal
