// Recovery of a lost token, shared by the two token algorithms (Suzuki-Kasami, token ring).
//
// Every node keeps a durable `promised` generation and refuses any token of an older one. The
// agreed node (lowest id it does not suspect) that believes the token lost runs a probe round:
//   1. it proposes g = next_generation(promised) (round + 1, with its id in the low bits) to itself
//   and to every peer it does not suspect (PROBE{g});
//   2. a peer with promised < g persists g; if it holds the token it converts it to generation g
//      on the spot (same token, new generation) and says so; it answers PROBE_ANSWER{g, has};
//      a peer that already promised >= g refuses, and the round is abandoned;
//   3. when every non-suspected peer answered: if somebody had the token, nothing more happens;
//      otherwise the prober creates the generation-g token.
// Rounds start at the agreed node after a peer crashed or restarted (the node that last sent the
// token to that peer hints the agreed node with PROBE{0}: the agreed node may have written the
// peer off before the token went there), and when the algorithm's own timeout says so. The hint
// is repeated every `retry` until a newer generation than the one known at the hint reaches the
// hinter (the agreed node ran a round): the agreed node may itself be down but not yet suspected,
// and a hint sent to it dies with its life (seed 190 of the Suzuki-Kasami swarm: the idle holder
// and the agreed node both restarted within suspect_after, nobody asked for the lock again, and
// the token stayed lost). Safety
// comes from the promises, not from who probes; the agreed node only keeps rounds from
// colliding.
// After a complete round every live node refuses generation < g tokens, and either exactly one
// node converted its token or none had one and exactly one is created: exactly one token. A
// token in flight during the round either arrives before the probe (and is converted) or after
// (and is refused as stale). This relies on the detector only suspecting crashed nodes: a live
// node skipped by the round keeps an old token usable (docs/protocols/mutex.md).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string_view>

#include "synod/mutex/lock_algorithm.hpp"

namespace synod::mutex {

// What the token algorithm lends to the recovery round.
class TokenKeeper {
 public:
  virtual ~TokenKeeper() = default;
  virtual bool has_token() const = 0;
  // The node this one last sent the token to (kNoNode if none): if it dies, so may the token.
  virtual NodeId last_sent_to() const = 0;
  // Relabel the token this node holds with generation `gen` (> its current one).
  virtual void convert_token(LockHost& h, std::uint64_t gen) = 0;
  // Extra per-node information carried by the answer (SK: own satisfied request number).
  virtual std::uint64_t probe_info() const { return 0; }
  // The tag of the algorithm's header rule carried out by the round (SK5, TR4).
  virtual std::string_view recovery_rule() const = 0;
  // Nobody had the token: create generation `gen` from the answers (node -> probe_info).
  virtual void regenerate(LockHost& h, std::uint64_t gen,
                          const std::map<NodeId, std::uint64_t>& answers) = 0;
};

// Low bits of a generation: the id of the node that ran its round.
inline constexpr unsigned kGenerationIdBits = 12;
std::uint64_t next_generation(std::uint64_t promised, NodeId self);

class TokenRecovery {
 public:
  TokenRecovery(TokenKeeper& keeper, std::uint64_t retry_ticks)
      : keeper_(keeper), retry_ticks_(retry_ticks) {}

  void start(LockHost& h);
  std::uint64_t promised() const { return promised_; }
  // A token of generation `gen` arrived: false if stale (refuse it). Adopts newer generations.
  bool accept(LockHost& h, std::uint64_t gen);
  // First start of the cluster: the lowest member runs the round that creates generation 1.
  bool create_initial(LockHost& h);

  bool probing() const { return probing_; }
  void begin(LockHost& h);
  void on_probe(LockHost& h, NodeId from, const MutexMsg& m);
  void on_answer(LockHost& h, NodeId from, const MutexMsg& m);
  void on_suspect(LockHost& h, NodeId peer);
  void on_restarted(LockHost& h, NodeId peer);
  // Re-sends the probe to peers that have not answered (LockOptions::retry), and starts a round
  // at the agreed node after a peer crashed or restarted (the token may have died with it).
  void on_tick(LockHost& h);
  std::uint64_t rounds() const { return rounds_; }

 private:
  bool promise(LockHost& h, std::uint64_t gen);
  void note_death(LockHost& h, NodeId peer);
  // The hint to the agreed node, sent again until a round newer than `hint_above_` is seen.
  void hint(LockHost& h);
  void maybe_finish(LockHost& h);

  TokenKeeper& keeper_;
  std::uint64_t retry_ticks_;
  std::uint64_t ticks_ = 0;
  std::uint64_t promised_ = 0;      // durable
  std::uint64_t had_token_in_ = 0;  // round in which this life answered "I have the token"
  NodeId promised_to_ = kNoNode;    // prober of promised_ (this life only): answered again on retry
  bool probing_ = false;
  bool loss_possible_ = false;    // a peer crashed or restarted since the last check
  bool hinting_ = false;          // a hint is out and no round has followed it yet
  std::uint64_t hint_above_ = 0;  // promised_ when the hint was sent
  bool found_ = false;
  std::set<NodeId> awaiting_;
  std::map<NodeId, std::uint64_t> answers_;
  std::uint64_t rounds_ = 0;
};

}  // namespace synod::mutex
