#include "synod/rpc/dedup_table.hpp"

#include <algorithm>

#include "synod/core/assert.hpp"

namespace synod::rpc {

DedupTable::State DedupTable::lookup(const RequestKey& key) const {
  if (auto it = entries_.find(key); it != entries_.end()) {
    return it->second.done ? State::kDone : State::kRunning;
  }
  auto s = sessions_.find(key.session);
  if (s != sessions_.end() && key.seq <= s->second.floor) return State::kExpired;
  return State::kNew;
}

const ByteChain& DedupTable::reply(const RequestKey& key) const {
  auto it = entries_.find(key);
  SYNOD_ASSERT(it != entries_.end() && it->second.done);
  return it->second.reply;
}

void DedupTable::begin(const RequestKey& key, Time now) {
  SYNOD_ASSERT(lookup(key) == State::kNew);
  entries_.emplace(key, Entry{});
  touch_session(key.session, now);
}

void DedupTable::complete(const RequestKey& key, ByteChain reply, Time now) {
  auto it = entries_.find(key);
  SYNOD_ASSERT(it != entries_.end() && !it->second.done);
  it->second.done = true;
  it->second.reply = std::move(reply);
  order_.emplace_back(now, key);
  while (order_.size() > max_entries_) evict_front();
}

void DedupTable::expire(Time now) {
  // Completion order is eviction order; a clock stepping back only delays expiry.
  while (!order_.empty() && now - order_.front().first >= ttl_) evict_front();
}

void DedupTable::evict_front() {
  const RequestKey key = order_.front().second;
  order_.pop_front();
  entries_.erase(key);
  ++evicted_;
  auto& s = sessions_[key.session];
  s.floor = std::max(s.floor, key.seq);
}

void DedupTable::touch_session(std::uint64_t session, Time now) {
  sessions_[session].last_seen = now;
  if (sessions_.size() <= max_sessions_) return;
  // Forget the least recently seen session (O(n), only when over the bound).
  auto victim = sessions_.end();
  for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
    if (it->first == session) continue;
    if (victim == sessions_.end() || it->second.last_seen < victim->second.last_seen) victim = it;
  }
  if (victim != sessions_.end()) sessions_.erase(victim);
}

}  // namespace synod::rpc
