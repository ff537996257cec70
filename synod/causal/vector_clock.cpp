#include "synod/causal/vector_clock.hpp"

#include <algorithm>
#include <utility>

#include "synod/core/assert.hpp"

namespace synod::causal {
namespace {

constexpr std::size_t kMaxVarintBytes = 10;
// Every encoded entry takes at least two bytes (a gap varint and a count varint).
constexpr std::size_t kMinEntryBytes = 2;

std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7U;
    ++n;
  }
  return n;
}

// Writes v at p; returns the byte after it.
std::uint8_t* put_varint(std::uint8_t* p, std::uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<std::uint8_t>(v | 0x80U);
    v >>= 7U;
  }
  *p++ = static_cast<std::uint8_t>(v);
  return p;
}

enum class VarintError : std::uint8_t { kNone, kTruncated, kOverflow, kTooLong, kNonMinimal };

// Reads one minimal unsigned LEB128 varint from in[pos...] into value, advancing pos.
VarintError get_varint(ByteView in, std::size_t& pos, std::uint64_t& value) {
  value = 0;
  for (std::size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (pos >= in.size()) return VarintError::kTruncated;
    const std::uint8_t byte = in[pos++];
    const std::uint64_t bits = byte & 0x7FU;
    if (i == kMaxVarintBytes - 1 && bits > 1) return VarintError::kOverflow;
    value |= bits << (7 * i);
    if ((byte & 0x80U) == 0) {
      if (i > 0 && bits == 0) return VarintError::kNonMinimal;
      return VarintError::kNone;
    }
  }
  return VarintError::kTooLong;
}

Status varint_status(VarintError e) {
  switch (e) {
    case VarintError::kNone: break;
    case VarintError::kTruncated: return data_loss("vector clock: truncated varint");
    case VarintError::kOverflow: return data_loss("vector clock: varint overflows 64 bits");
    case VarintError::kTooLong: return data_loss("vector clock: varint longer than 10 bytes");
    case VarintError::kNonMinimal: return data_loss("vector clock: non-minimal varint");
  }
  return internal_error("vector clock: no varint error");
}

Status too_many(std::size_t n, std::size_t max_entries) {
  return resource_exhausted("vector clock: " + std::to_string(n) + " entries exceed limit " +
                            std::to_string(max_entries));
}

}  // namespace

std::string_view order_name(Order order) {
  switch (order) {
    case Order::kEqual: return "equal";
    case Order::kBefore: return "before";
    case Order::kAfter: return "after";
    case Order::kConcurrent: return "concurrent";
  }
  return "?";
}

Result<VectorClock> VectorClock::from_entries(std::vector<VectorEntry> entries,
                                              std::size_t max_entries) {
  std::erase_if(entries, [](const VectorEntry& e) { return e.count == 0; });
  std::sort(entries.begin(), entries.end(),
            [](const VectorEntry& a, const VectorEntry& b) { return a.node < b.node; });
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i > 0 && entries[i].node == entries[i - 1].node) {
      return invalid_argument("vector clock: node " + std::to_string(entries[i].node) +
                              " listed twice");
    }
    if (entries[i].count > kMaxCount) {
      return out_of_range("vector clock: count " + std::to_string(entries[i].count) +
                          " above limit");
    }
  }
  if (entries.size() > max_entries) return too_many(entries.size(), max_entries);
  VectorClock clock;
  clock.entries_ = std::move(entries);
  return clock;
}

std::uint64_t VectorClock::get(NodeId node) const {
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), node,
                                   [](const VectorEntry& e, NodeId n) { return e.node < n; });
  return (it != entries_.end() && it->node == node) ? it->count : 0;
}

Result<std::uint64_t> VectorClock::increment(NodeId node, std::size_t max_entries) {
  const auto it = std::lower_bound(entries_.begin(), entries_.end(), node,
                                   [](const VectorEntry& e, NodeId n) { return e.node < n; });
  if (it != entries_.end() && it->node == node) {
    // Counts arrive at most at kMaxCount; 2^62 further local events cannot happen.
    SYNOD_ASSERT(it->count < UINT64_MAX);
    return ++it->count;
  }
  if (entries_.size() + 1 > max_entries) return too_many(entries_.size() + 1, max_entries);
  entries_.insert(it, VectorEntry{node, 1});
  return std::uint64_t{1};
}

bool VectorClock::same_nodes(const VectorClock& other) const {
  if (entries_.size() != other.entries_.size()) return false;
  for (std::size_t k = 0; k < entries_.size(); ++k) {
    if (entries_[k].node != other.entries_[k].node) return false;
  }
  return true;
}

std::size_t VectorClock::union_size(const VectorClock& other) const {
  const auto& a = entries_;
  const auto& b = other.entries_;
  std::size_t i = 0;
  std::size_t j = 0;
  std::size_t n = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].node == b[j].node) {
      ++i;
      ++j;
    } else if (a[i].node < b[j].node) {
      ++i;
    } else {
      ++j;
    }
    ++n;
  }
  return n + (a.size() - i) + (b.size() - j);
}

Status VectorClock::merge(const VectorClock& other, std::size_t max_entries) {
  if (same_nodes(other)) {
    for (std::size_t k = 0; k < entries_.size(); ++k) {
      entries_[k].count = std::max(entries_[k].count, other.entries_[k].count);
    }
    return Status::ok();
  }
  const std::size_t n = union_size(other);
  if (n > max_entries) return too_many(n, max_entries);
  const auto& b = other.entries_;
  if (n == entries_.size()) {
    // Every node of `other` already has an entry here (the common case: a stable membership):
    // take the maximum in place.
    std::size_t i = 0;
    for (const VectorEntry& e : b) {
      while (entries_[i].node < e.node) ++i;
      SYNOD_ASSERT(entries_[i].node == e.node);
      entries_[i].count = std::max(entries_[i].count, e.count);
    }
    return Status::ok();
  }
  std::vector<VectorEntry> merged;
  merged.reserve(n);
  const auto& a = entries_;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i].node == b[j].node) {
      merged.push_back({a[i].node, std::max(a[i].count, b[j].count)});
      ++i;
      ++j;
    } else if (a[i].node < b[j].node) {
      merged.push_back(a[i++]);
    } else {
      merged.push_back(b[j++]);
    }
  }
  merged.insert(merged.end(), a.begin() + static_cast<std::ptrdiff_t>(i), a.end());
  merged.insert(merged.end(), b.begin() + static_cast<std::ptrdiff_t>(j), b.end());
  SYNOD_ASSERT(merged.size() == n);
  entries_ = std::move(merged);
  return Status::ok();
}

Order VectorClock::compare(const VectorClock& other) const {
  const auto& a = entries_;
  const auto& b = other.entries_;
  bool less = false;     // some entry with V[j] < W[j]
  bool greater = false;  // some entry with V[j] > W[j]
  // Fast path for the common prefix of identical memberships: no per-entry early exit.
  const std::size_t common = std::min(a.size(), b.size());
  std::size_t k = 0;
  for (; k < common && a[k].node == b[k].node; ++k) {
    less |= a[k].count < b[k].count;
    greater |= a[k].count > b[k].count;
  }
  if (less && greater) return Order::kConcurrent;
  std::size_t i = k;
  std::size_t j = k;
  while (i < a.size() && j < b.size()) {
    if (a[i].node == b[j].node) {
      less |= a[i].count < b[j].count;
      greater |= a[i].count > b[j].count;
      ++i;
      ++j;
    } else if (a[i].node < b[j].node) {
      greater = true;  // W[a[i].node] == 0 < V[a[i].node]
      ++i;
    } else {
      less = true;  // V[b[j].node] == 0 < W[b[j].node]
      ++j;
    }
    if (less && greater) return Order::kConcurrent;
  }
  greater |= i < a.size();
  less |= j < b.size();
  if (less && greater) return Order::kConcurrent;
  if (less) return Order::kBefore;
  if (greater) return Order::kAfter;
  return Order::kEqual;
}

std::size_t VectorClock::encoded_size() const {
  std::size_t n = varint_size(entries_.size());
  NodeId prev = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const NodeId gap = i == 0 ? entries_[i].node : entries_[i].node - prev - 1;
    n += varint_size(gap) + varint_size(entries_[i].count);
    prev = entries_[i].node;
  }
  return n;
}

void VectorClock::encode_to(Bytes& out) const {
  const std::size_t start = out.size();
  // Upper bound: a node gap takes at most 5 bytes, a count at most 10.
  out.resize(start + kMaxVarintBytes + entries_.size() * (5 + kMaxVarintBytes));
  std::uint8_t* p = out.data() + start;
  p = put_varint(p, entries_.size());
  NodeId prev = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const VectorEntry& e = entries_[i];
    SYNOD_ASSERT(e.count >= 1);
    SYNOD_ASSERT(i == 0 || e.node > prev);
    p = put_varint(p, i == 0 ? e.node : e.node - prev - 1);
    p = put_varint(p, e.count);
    prev = e.node;
  }
  out.resize(static_cast<std::size_t>(p - out.data()));
}

Bytes VectorClock::encode() const {
  Bytes out;
  encode_to(out);
  return out;
}

Result<VectorClock> VectorClock::decode(ByteView in, std::size_t max_entries) {
  std::size_t pos = 0;
  std::uint64_t n = 0;
  if (auto e = get_varint(in, pos, n); e != VarintError::kNone) return varint_status(e);
  if (n > max_entries) return too_many(n, max_entries);
  if (n > (in.size() - pos) / kMinEntryBytes) {
    return data_loss("vector clock: " + std::to_string(n) + " entries cannot fit in " +
                     std::to_string(in.size() - pos) + " bytes");
  }
  VectorClock clock;
  clock.entries_.reserve(n);
  std::uint64_t prev = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t gap = 0;
    std::uint64_t count = 0;
    if (auto e = get_varint(in, pos, gap); e != VarintError::kNone) return varint_status(e);
    if (auto e = get_varint(in, pos, count); e != VarintError::kNone) return varint_status(e);
    // No wrap: prev < 2^32, and a gap above 2^32 - 1 is rejected whatever the sum.
    const std::uint64_t node = i == 0 ? gap : prev + 1 + gap;
    if (gap > UINT32_MAX || node > UINT32_MAX) {
      return data_loss("vector clock: node id above 2^32-1");
    }
    if (count == 0) return data_loss("vector clock: zero count (non-canonical)");
    if (count > kMaxCount) return out_of_range("vector clock: count above limit");
    clock.entries_.push_back({static_cast<NodeId>(node), count});
    prev = node;
  }
  if (pos != in.size()) {
    return data_loss("vector clock: " + std::to_string(in.size() - pos) + " trailing bytes");
  }
  return clock;
}

std::string VectorClock::to_string() const {
  std::string s = "{";
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(entries_[i].node) + ":" + std::to_string(entries_[i].count);
  }
  s += "}";
  return s;
}

ProcessVectorClock::ProcessVectorClock(NodeId self, std::size_t max_entries)
    : self_(self), max_entries_(max_entries) {
  SYNOD_ASSERT(max_entries >= 1);
}

const VectorClock& ProcessVectorClock::tick() {
  // Our own entry exists after the first event, and on_receive keeps room for it before that.
  const auto r = clock_.increment(self_, max_entries_);  // VC1
  SYNOD_ASSERT(r.is_ok());
  return clock_;
}

const VectorClock& ProcessVectorClock::on_send() { return tick(); }

Status ProcessVectorClock::on_receive(const VectorClock& stamp) {
  // Keep room for our own entry, which VC1 adds right after the merge if it is still missing.
  const bool self_missing = clock_.get(self_) == 0 && stamp.get(self_) == 0;
  const std::size_t limit = self_missing ? max_entries_ - 1 : max_entries_;
  SYNOD_RETURN_IF_ERROR(clock_.merge(stamp, limit));  // VC2
  tick();                                             // VC1
  return Status::ok();
}

}  // namespace synod::causal
