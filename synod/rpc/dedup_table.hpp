// Server-side duplicate suppression for at-most-once execution (Birrell and Nelson's RPC).
//
// Keyed by request id (client session, seq). A request is kRunning from admission until its reply
// is recorded, then kDone with the encoded reply kept for `ttl` (and at most `max_entries`, oldest
// completion first); a duplicate of a running request is coalesced (dropped: the one reply will
// answer it), a duplicate of a done one gets the stored reply again, never a second execution.
//
// Forgetting a reply must not let a late duplicate execute again, so eviction raises a per-session
// floor: a request with seq <= floor that is not in the table is kExpired and refused. Floors are
// kept for `max_sessions` sessions (least recently used evicted): only a duplicate delayed longer
// than that whole history could run twice, and the docs state this bound.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <utility>

#include "synod/core/shared_bytes.hpp"
#include "synod/core/time.hpp"
#include "synod/core/types.hpp"

namespace synod::rpc {

struct RequestKey {
  std::uint64_t session = 0;
  std::uint64_t seq = 0;
  friend auto operator<=>(const RequestKey&, const RequestKey&) = default;
};

class DedupTable {
 public:
  enum class State : std::uint8_t { kNew, kRunning, kDone, kExpired };

  DedupTable(std::size_t max_entries, Duration ttl, std::size_t max_sessions)
      : max_entries_(max_entries), ttl_(ttl), max_sessions_(max_sessions) {}

  State lookup(const RequestKey& key) const;
  // The stored reply of a kDone request; empty when the reply was too large to keep (the server
  // then refuses the duplicate instead of executing it again).
  const ByteChain& reply(const RequestKey& key) const;
  // kNew -> kRunning.
  void begin(const RequestKey& key, Time now);
  // kRunning -> kDone, keeping `reply`; may evict the oldest entries beyond max_entries.
  void complete(const RequestKey& key, ByteChain reply, Time now);
  // A running request that will never complete (endpoint shutting down).
  void abandon(const RequestKey& key) { entries_.erase(key); }
  // Drops replies older than ttl.
  void expire(Time now);

  std::size_t size() const { return entries_.size(); }
  std::size_t done_count() const { return order_.size(); }
  std::size_t session_count() const { return sessions_.size(); }
  std::uint64_t evicted() const { return evicted_; }

 private:
  struct Entry {
    bool done = false;
    ByteChain reply;  // shares the sent pieces
  };
  struct Session {
    std::uint64_t floor = 0;  // every seq <= floor not in entries_ is expired
    Time last_seen;
  };
  void evict_front();
  void touch_session(std::uint64_t session, Time now);

  std::size_t max_entries_;
  Duration ttl_;
  std::size_t max_sessions_;
  std::map<RequestKey, Entry> entries_;
  std::deque<std::pair<Time, RequestKey>> order_;  // completed, in completion order
  std::map<std::uint64_t, Session> sessions_;
  std::uint64_t evicted_ = 0;
};

}  // namespace synod::rpc
