// The seam between the lock service (lock_service.hpp: API, failure detector, heartbeats,
// observations) and one mutual-exclusion algorithm. An algorithm sees the world through LockHost
// and reports a grant by calling LockHost::granted(token); everything else (who wants the lock,
// which peers are suspected, message counting) is the host's.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "synod/mutex/mutex_messages.hpp"
#include "synod/node/context.hpp"
#include "synod/node/mutant.hpp"

namespace synod::mutex {

// Fencing tokens of the token algorithms and the coordinator: generation (epoch) in the high 32
// bits, a counter within the generation in the low 32, so a regenerated token or a new coordinator
// always issues larger tokens than anything before it.
inline std::uint64_t fencing_token(std::uint64_t gen, std::uint64_t counter) {
  return (gen << 32U) | (counter & 0xFFFFFFFFULL);
}

class LockHost {
 public:
  virtual ~LockHost() = default;
  virtual Context& ctx() = 0;
  NodeId self() { return ctx().self(); }
  std::span<const NodeId> peers() { return ctx().peers(); }
  // Sends through the channel and counts the message by type ("msg" {type}).
  virtual void send(NodeId to, const MutexMsg& m) = 0;
  // The algorithm lets this node into the critical section with `token`.
  virtual void granted(std::uint64_t token) = 0;
  // True while this node's client has asked for the lock and not yet got it.
  virtual bool waiting() const = 0;
  virtual bool holding() const = 0;
  virtual bool suspected(NodeId peer) const = 0;
  // Heard from in this life and not suspected: where a token may safely be sent (a restarted
  // node must not hand the token to a peer that died while it was down and is not yet suspected).
  virtual bool reachable(NodeId peer) const = 0;
  // False when heartbeats and the failure detector are off (LockOptions::heartbeat_ticks = 0).
  virtual bool detecting() const = 0;
  // The rule this (test-only) instance breaks, if any: an algorithm checks
  // `h.mutant().breaks("TAG")` at the branch that carries out rule TAG of its header.
  virtual const Mutant& mutant() const = 0;
  // Lowest id among this node and the peers it does not suspect (the "agreed" node).
  NodeId lowest_live() {
    NodeId low = self();
    for (NodeId p : peers()) {
      if (p < low && !suspected(p)) low = p;
    }
    return low;
  }
  // Durable write + sync; false if storage failed (the caller must not act as if it were durable).
  bool persist(std::string_view key, std::uint64_t value);
  std::uint64_t load(std::string_view key);
  // A fact for checkers (pass-through to Context::observe).
  void observe(std::string_view kind, ObsFields fields) { ctx().observe(kind, fields); }
};

class LockAlgorithm {
 public:
  virtual ~LockAlgorithm() = default;
  virtual std::string_view name() const = 0;
  // Fresh volatile state; durable state (storage) may hold an earlier life's records.
  virtual void start(LockHost& h) = 0;
  // The client wants the lock (host state is already "waiting"); call h.granted() eventually.
  virtual void request(LockHost& h) = 0;
  // The client left the critical section (host state is already idle).
  virtual void release(LockHost& h) = 0;
  virtual void on_message(LockHost& h, NodeId from, const MutexMsg& m) = 0;
  // Failure detector transitions, and the channel's proof that a peer lost its state.
  virtual void on_suspect(LockHost& h, NodeId peer) = 0;
  virtual void on_trust(LockHost& h, NodeId peer) { (void)h, (void)peer; }
  virtual void on_restarted(LockHost& h, NodeId peer) = 0;
  // Called every tick (LockOptions::tick) for the algorithm's own timeouts.
  virtual void on_tick(LockHost& h) { (void)h; }
  // Heartbeats carry (gen, ts) from here and hand them to the receiver's algorithm.
  virtual void fill_heartbeat(MutexMsg& hb) const { (void)hb; }
  virtual void on_heartbeat(LockHost& h, NodeId from, const MutexMsg& hb) {
    (void)h, (void)from, (void)hb;
  }
  // Request key for the "request" observation (RA: its (T, i) as a token; others 0).
  virtual std::uint64_t request_key() const { return 0; }
  // Best knowledge of who holds the lock (kNoNode if unknown); for status only.
  virtual NodeId holder_hint() const { return kNoNode; }
  // Its part of the lock service's status object (LockService::status_json).
  virtual nlohmann::json status() const = 0;
};

}  // namespace synod::mutex
