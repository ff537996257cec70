// The lock service: one API (acquire / release / holder, a fencing token on every grant) over four
// mutual-exclusion algorithms chosen per cluster (LockOptions::algorithm). It is the Protocol a
// node runs; the algorithm is a component behind lock_algorithm.hpp. The service owns what all
// four share: the client's state (idle / waiting / holding), heartbeats and the failure detector
// (silence_detector.hpp), peer-restart events from the reliable channel, message counting and the
// observations checkers read:
//   "request" {algo, key}        the client asked for the lock (key: RA's (T, i); else 0)
//   "enter"   {token, algo}      the lock was granted with fencing `token`
//   "exit"    {token}            the client released it
//   "msg"     {type}             one message sent, by MsgType
//   "suspect" / "trust" {peer, after_ms}   failure detector transitions
// Deploy it over the reliable FIFO channel (mutex_catalog.hpp does): the algorithms assume
// reliable FIFO delivery per peer and use PeerEvent::kRestarted as proof that a peer lost its
// state.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "synod/mutex/lock_algorithm.hpp"
#include "synod/mutex/silence_detector.hpp"
#include "synod/node/context_scope.hpp"
#include "synod/node/protocol.hpp"
#include "synod/node/protocol_ids.hpp"
#include "synod/node/timer_tag.hpp"

namespace synod::mutex {

enum class Algorithm : std::uint8_t { kCentral, kRicartAgrawala, kSuzukiKasami, kTokenRing };

std::string_view algorithm_name(Algorithm a);  // "central", "ricart-agrawala", ...
// Each algorithm is its own protocol (synod/node/protocol_ids.hpp), so several can run on one
// node: kMutexCentralProtocol, kMutexRicartAgrawalaProtocol, ...
ProtocolId protocol_id(Algorithm a);

struct LockOptions {
  Algorithm algorithm = Algorithm::kCentral;
  Duration tick = std::chrono::milliseconds(50);  // granularity of every timeout
  // Heartbeat every this many ticks; 0 turns heartbeats and the failure detector off (no recovery
  // from crashes: benchmarks of the failure-free algorithms).
  std::uint32_t heartbeat_ticks = 5;
  // Silence after which a peer is suspected and recovery may act on it. Safety of recovery needs
  // it longer than any pause or partition a live node can suffer (docs/protocols/mutex.md).
  Duration suspect_after = std::chrono::seconds(5);
  // Token algorithms: a waiting node (SK) or the lowest live node (ring) that has not seen the
  // token for this long asks for a probe round (recovery of a lost token).
  Duration token_timeout = std::chrono::seconds(2);
  // Token ring: how long an idle process keeps the token before passing it (0: at once).
  Duration ring_idle_hold = std::chrono::milliseconds(50);
  // Requests, state queries and probes still unanswered after this long are sent again. The
  // reliable channel drops a reply sent to a peer's previous life when the peer restarted just
  // before (the replier learns of the restart only afterwards), so one-shot requests could wait
  // forever; every receiver treats a repeated message idempotently.
  Duration retry = std::chrono::seconds(1);
  // Test only (synod/node/mutant.hpp): the rule of the algorithm's header this instance breaks.
  Mutant mutant;
};

// Reads `mutant=TAG`, TAG one of the rule tags of the algorithm's header (central.hpp CC1-CC4,
// ricart_agrawala.hpp RA1-RA4, suzuki_kasami.hpp SK1-SK5, token_ring.hpp TR1-TR5).
Result<Mutant> parse_rule_mutant(const ProtocolOptions& opts, Algorithm a);

class LockService;

// Whoever uses the lock on this node (the workload, a CLI session): told when a grant arrives.
class LockClient {
 public:
  virtual ~LockClient() = default;
  virtual void start(Context& ctx, LockService& lock) = 0;
  virtual void on_granted(Context& ctx, LockService& lock, std::uint64_t token) = 0;
  // Timers the client set with client_timer(value); `tag` is that value.
  virtual void on_timer(Context& ctx, LockService& lock, std::uint64_t tag) = 0;
  virtual nlohmann::json status() const;  // {} unless the client has something to say
};

// The lock service's timers (synod/node/timer_tag.hpp): its tick, the operator's lease, and the
// client's, whose own value rides in the tag.
enum class LockTimer : std::uint8_t { kTick = 1, kLease = 2, kClient = 3 };

inline std::uint64_t client_timer(std::uint64_t value) {
  return TimerTag::of(LockTimer::kClient, value).raw();
}

enum class LockState : std::uint8_t { kIdle, kWaiting, kHolding };

class LockService final : public Protocol, private LockHost {
 public:
  LockService(LockOptions options, std::unique_ptr<LockClient> client);
  // With an algorithm built by the caller (tests: the negative control's broken variant).
  LockService(LockOptions options, std::unique_ptr<LockAlgorithm> algorithm,
              std::unique_ptr<LockClient> client);
  ~LockService() override;

  ProtocolId id() const override { return protocol_id(options_.algorithm); }
  // "mutex-central", ...: the name of the protocol id (status, storage and commands use it).
  std::string_view name() const override { return protocol_id_name(id()); }
  void on_start(Context& ctx) override;
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_timer(Context& ctx, std::uint64_t tag) override;
  void on_peer_event(Context& ctx, NodeId peer, PeerEvent event) override;
  std::string status_json() const override;
  // Operator commands (`synod lock ...`, lock_commands.cpp): "acquire [ttl=30s]" answers when
  // granted, "release", "status". Only on a node without a built-in workload client.
  void on_command(Context& ctx, CommandId id, std::string_view verb,
                  std::string_view args) override;

  // The lock-service API.
  void acquire(Context& ctx);  // no-op unless idle; the grant arrives via LockClient::on_granted
  void release(Context& ctx);  // no-op unless holding
  LockState state() const { return state_; }
  std::uint64_t token() const { return token_; }  // of the current (or last) grant
  NodeId holder() const;  // this node if holding, else the algorithm's best knowledge

  const LockAlgorithm& algorithm() const { return *algo_; }
  const LockClient* client() const { return client_.get(); }
  const LockOptions& options() const { return options_; }
  std::uint64_t sent(MsgType t) const { return sent_[static_cast<std::size_t>(t)]; }
  std::uint64_t decode_errors() const { return decode_errors_; }

 private:
  // LockHost.
  Context& ctx() override { return input_.get(); }
  void send(NodeId to, const MutexMsg& m) override;
  void granted(std::uint64_t token) override;
  bool waiting() const override { return state_ == LockState::kWaiting; }
  bool holding() const override { return state_ == LockState::kHolding; }
  bool suspected(NodeId peer) const override { return detector_.suspected(peer); }
  bool detecting() const override { return options_.heartbeat_ticks != 0; }
  const Mutant& mutant() const override { return options_.mutant; }
  bool reachable(NodeId peer) const override {
    return options_.heartbeat_ticks == 0 || (detector_.heard(peer) && !detector_.suspected(peer));
  }

  Duration elapsed() const { return options_.tick * static_cast<std::int64_t>(ticks_); }
  Duration heartbeat_interval() const {
    return options_.tick * static_cast<std::int64_t>(options_.heartbeat_ticks);
  }
  void tick();
  void heartbeat();
  // Operator (CLI) sessions: lock_commands.cpp.
  void operator_acquire(CommandId id, std::string_view args);
  void operator_release(CommandId id);
  void operator_granted();
  void operator_lease_expired();
  nlohmann::json operator_status() const;
  void suspect(NodeId peer);

  LockOptions options_;
  std::unique_ptr<LockAlgorithm> algo_;
  std::unique_ptr<LockClient> client_;
  SilenceDetector detector_;
  InputContext input_;  // the context of the input being handled (context_scope.hpp)
  NodeId self_ = kNoNode;
  LockState state_ = LockState::kIdle;
  std::uint64_t token_ = 0;
  std::uint64_t ticks_ = 0;
  bool in_request_ = false;  // a grant during request() is reported after the "request"
  bool grant_pending_ = false;
  std::uint64_t pending_token_ = 0;
  std::array<std::uint64_t, static_cast<std::size_t>(MsgType::kCount)> sent_{};
  std::uint64_t decode_errors_ = 0;
  // The lock as held by an operator through commands: the node holds it on the operator's behalf
  // under a lease, so a CLI that dies cannot wedge the cluster.
  struct OperatorLock {
    CommandId waiting = 0;   // an acquire awaiting its grant (0: none)
    bool owns = false;       // the current wait or hold is the operator's
    bool abandoned = false;  // released while still waiting: give the lock back once granted
    Duration ttl{};
    Duration asked_at{};
    TimerId lease = 0;
    std::uint64_t grants = 0;
    std::uint64_t lease_expiries = 0;
  } operator_;
};

std::unique_ptr<LockAlgorithm> make_algorithm(const LockOptions& options);

}  // namespace synod::mutex
