// Suzuki-Kasami (the token-based Ricart-Agrawala of the seed).
//
// Textbook rules (Suzuki & Kasami 1985; the seed's "Ricart-Agrawala (token)"): each process i
// keeps RN_i[1..N], the highest request number heard from each process; the token carries
// LN[1..N] (the number of each process's most recently granted request) and a queue Q of waiting
// processes. Tags cited at the branches, mutants in the catalog:
//  SK1 request: if i holds the token, enter at once (0 messages); else RN_i[i] += 1 and
//      broadcast REQUEST(i, RN_i[i]) once to every other process;
//  SK2 on REQUEST(j, n): RN_i[j] := max(RN_i[j], n); if i holds the token *idle* (not in the
//      critical section) and RN_i[j] = LN[j] + 1, send it the token;
//  SK3 on release: LN[i] := RN_i[i]; for j = i+1, ..., N, 1, ..., i-1 (the textbook's order),
//      append j to Q if it is not there and RN_i[j] = LN[j] + 1; if Q is not empty, send the
//      token to its head (removing it);
//  SK4 fencing: the token is (generation, counter); the counter travels in the token and grows
//      on every entry;
//  SK5 recovery: a lost token is replaced by a probe round (token_recovery.hpp) that creates
//      the new generation's token when nobody has one (also the very first token).
// N messages per entry (N-1 requests + the token), 0 if the requester already holds the token:
// checked by "mutex-messages" over failure-free phases (extra token hops exceed it).
//
// Failures: own request numbers are persisted before they are broadcast; a waiting node re-sends
// its request every `timeout` ticks (idempotent: RN is max-merged), which repairs requests lost
// with a restarted peer; the agreed node probes for a lost token (token_recovery.hpp) when it or a
// retrying requester has waited `timeout`; suspected nodes are skipped when the token is passed.
#pragma once

#include <deque>
#include <vector>

#include "synod/mutex/token_recovery.hpp"

namespace synod::mutex {

class SuzukiKasami final : public LockAlgorithm, private TokenKeeper {
 public:
  SuzukiKasami(std::uint64_t timeout_ticks, std::uint64_t retry_ticks)
      : timeout_ticks_(timeout_ticks), recovery_(*this, retry_ticks) {}

  std::string_view name() const override { return "suzuki-kasami"; }
  void start(LockHost& h) override;
  void request(LockHost& h) override;
  void release(LockHost& h) override;
  void on_message(LockHost& h, NodeId from, const MutexMsg& m) override;
  void on_suspect(LockHost& h, NodeId peer) override;
  void on_restarted(LockHost& h, NodeId peer) override;
  void on_tick(LockHost& h) override;
  void fill_heartbeat(MutexMsg& hb) const override { hb.generation = recovery_.promised(); }
  void on_heartbeat(LockHost& h, NodeId from, const MutexMsg& hb) override;
  nlohmann::json status() const override;

  bool has_token() const override { return has_token_; }
  NodeId last_sent_to() const override { return last_sent_to_; }
  std::uint64_t generation() const { return gen_; }
  const TokenRecovery& recovery() const { return recovery_; }
  // Entries made with the token already here (0 messages).
  std::uint64_t local_entries() const { return local_entries_; }

 private:
  // TokenKeeper.
  void convert_token(LockHost& h, std::uint64_t gen) override;
  std::string_view recovery_rule() const override { return "SK5"; }
  std::uint64_t probe_info() const override { return satisfied_; }
  void regenerate(LockHost& h, std::uint64_t gen,
                  const std::map<NodeId, std::uint64_t>& answers) override;

  std::size_t index(NodeId n) const;
  void broadcast_request(LockHost& h, bool retry);
  void on_request(LockHost& h, NodeId from, const MutexMsg& m);
  void on_token(LockHost& h, NodeId from, const MutexMsg& m);
  void enter(LockHost& h);
  void pass_token(LockHost& h);
  void send_token(LockHost& h, NodeId to);
  void drop_stale(LockHost& h);

  std::uint64_t timeout_ticks_;
  TokenRecovery recovery_;
  std::vector<NodeId> members_;    // self and peers, ascending
  std::vector<std::uint64_t> rn_;  // RN_i, by member index
  std::uint64_t satisfied_ = 0;    // own requests granted (LN[i] as this node knows it)
  // The token, while held.
  bool has_token_ = false;
  NodeId last_sent_to_ = kNoNode;
  std::uint64_t gen_ = 0;
  std::uint64_t counter_ = 0;
  std::uint64_t local_entries_ = 0;
  std::vector<std::uint64_t> ln_;
  std::deque<NodeId> queue_;
  std::uint64_t waited_ = 0;      // ticks waiting for the token
  std::uint64_t last_probe_ = 0;  // tick of the last probe this node started
  std::uint64_t ticks_ = 0;
};

}  // namespace synod::mutex
