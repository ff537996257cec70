// Token ring: the processes form a logical ring by ascending id; one token circulates. Rules
// (tags cited at the branches, mutants in the catalog):
//  TR1 a process enters the critical section only while it holds the token;
//  TR2 the token goes to the successor: the next id (cyclically) that is reachable (heard from and
//      not suspected), so every live process gets it once per circulation;
//  TR3 fencing: the token is (generation, counter); the counter travels in the token and grows on
//      every entry;
//  TR4 recovery: a lost token is replaced by a probe round (token_recovery.hpp) that creates the
//      new generation's token when nobody has one (also the very first token);
//  TR5 an idle process keeps the token for `idle_hold` before passing it on, which bounds the
//      circulation rate.
// 1 message per entry when every process wants the lock, unboundedly many per entry when few do
// (the token keeps circulating), at most N per idle_hold then: checked by "mutex-messages" over
// failure-free phases.
//
// Failures: the successor is the next id the failure detector does not suspect, so a crashed
// process is bypassed. A lost token (its holder crashed, or it was dropped in flight with a
// restarted receiver's old stream) is detected by the agreed node (lowest id it does not
// suspect): the token passes it on every circulation, so not seeing it for `timeout` ticks starts
// a probe round (token_recovery.hpp), which either finds the token and relabels it with the new
// generation or creates the new generation's token. Stale tokens (older generation) are
// discarded on arrival, and a node that hears of a newer generation voids an old token it holds.
// The fencing token is (generation, counter), the counter travelling in the token.
#pragma once

#include <vector>

#include "synod/mutex/token_recovery.hpp"

namespace synod::mutex {

class TokenRing final : public LockAlgorithm, private TokenKeeper {
 public:
  // `idle_hold_ticks`: how long a process that does not want the token keeps it before passing it
  // on (0: at once, as in the textbook). A short hold stops an idle ring from spinning the token
  // through the network and the CPUs thousands of times a second, at the cost of up to
  // n * idle_hold of extra waiting when the lock is idle.
  TokenRing(std::uint64_t timeout_ticks, std::uint64_t retry_ticks, std::uint64_t idle_hold_ticks)
      : timeout_ticks_(timeout_ticks),
        idle_hold_ticks_(idle_hold_ticks),
        recovery_(*this, retry_ticks) {}

  std::string_view name() const override { return "token-ring"; }
  void start(LockHost& h) override;
  void request(LockHost& h) override;
  void release(LockHost& h) override;
  void on_message(LockHost& h, NodeId from, const MutexMsg& m) override;
  void on_suspect(LockHost& h, NodeId peer) override { recovery_.on_suspect(h, peer); }
  void on_restarted(LockHost& h, NodeId peer) override { recovery_.on_restarted(h, peer); }
  void on_tick(LockHost& h) override;
  void fill_heartbeat(MutexMsg& hb) const override { hb.generation = recovery_.promised(); }
  void on_heartbeat(LockHost& h, NodeId from, const MutexMsg& hb) override;
  nlohmann::json status() const override;

  bool has_token() const override { return has_token_; }
  NodeId last_sent_to() const override { return last_sent_to_; }
  std::uint64_t generation() const { return gen_; }
  const TokenRecovery& recovery() const { return recovery_; }
  std::uint64_t passes() const { return passes_; }

 private:
  void convert_token(LockHost& h, std::uint64_t gen) override;
  std::string_view recovery_rule() const override { return "TR4"; }
  void regenerate(LockHost& h, std::uint64_t gen,
                  const std::map<NodeId, std::uint64_t>& answers) override;

  NodeId successor(LockHost& h) const;
  void on_token(LockHost& h, const MutexMsg& m);
  void got_token(LockHost& h);
  void pass(LockHost& h);
  void drop_stale(LockHost& h);

  std::uint64_t timeout_ticks_;
  std::uint64_t idle_hold_ticks_;
  std::uint64_t arrived_ = 0;  // tick at which the token arrived here
  TokenRecovery recovery_;
  std::vector<NodeId> ring_;  // self and peers, ascending
  bool has_token_ = false;
  NodeId last_sent_to_ = kNoNode;
  std::uint64_t gen_ = 0;
  std::uint64_t counter_ = 0;
  std::uint64_t ticks_ = 0;
  std::uint64_t last_seen_ = 0;  // tick this node last held the token (or probed)
  std::uint64_t passes_ = 0;
};

}  // namespace synod::mutex
