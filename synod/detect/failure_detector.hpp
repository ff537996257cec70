// A reusable, sans-I/O failure detector that a protocol embeds: the phi-accrual detector
// (Hayashibara et al. 2004) as Akka and Cassandra run it. The protocol feeds it the arrival of
// every heartbeat (or any message: every message is evidence of life) and polls it on a timer;
// the detector answers with suspect/trust transitions. It owns no timers and sends nothing: see
// heartbeat_sender.hpp for the sending side, docs/protocols/failure-detector.md for tuning.
//
//   detect::FailureDetector fd(options);
//   fd.start(ctx.now(), ctx.peers());                  // on_start / on_recover
//   fd.record_heartbeat(from, ctx.now());               // on_message
//   for (auto t : fd.poll(ctx.now())) { ... }           // on a periodic timer
//
// Per peer it keeps a window of inter-arrival times; phi(peer, now) grows with the silence since
// the last heartbeat, measured against that window's mean (+ acceptable_pause) and standard
// deviation (at least min_std_dev). A peer is suspected while phi >= phi_threshold. A peer never
// heard from is suspected once bootstrap_timeout has passed since start(). Deterministic: state
// in std::map, results in ascending peer order, no clock or randomness of its own.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "synod/core/status.hpp"
#include "synod/core/time.hpp"
#include "synod/core/types.hpp"
#include "synod/detect/interval_window.hpp"
#include "synod/node/registry.hpp"

namespace synod::detect {

// Defaults aim at the failover budget (new leader < 500 ms on a local cluster): with
// steady 100 ms heartbeats a crash is suspected ~330 ms after the last heartbeat arrived (see
// FailureDetector::steady_state_timeout and the docs for the arithmetic).
struct FailureDetectorOptions {
  Duration heartbeat_interval = std::chrono::milliseconds(100);  // the sender's period
  double phi_threshold = 8.0;       // suspect at phi >= this (Akka's and Cassandra's default)
  std::uint32_t window_size = 100;  // inter-arrival samples kept per peer
  Duration min_std_dev = std::chrono::milliseconds(25);        // floor: perfectly regular arrivals
                                                               // would otherwise make phi jump
  Duration acceptable_pause = std::chrono::milliseconds(100);  // added to the mean: tolerated
                                                               // GC pauses / load spikes
  Duration bootstrap_timeout = std::chrono::seconds(1);        // suspect a peer never heard from
};

Status validate(const FailureDetectorOptions& o);

// Reads the detector's keys from a protocol's options ("fd_interval", "fd_phi", "fd_window",
// "fd_min_std", "fd_pause", "fd_bootstrap"), leaving other keys alone; validates.
Result<FailureDetectorOptions> parse_failure_detector_options(const ProtocolOptions& opts);
// True for the keys parse_failure_detector_options reads (for a protocol's unknown-key check).
bool is_failure_detector_option(const std::string& key);

struct Transition {
  NodeId peer = kNoNode;
  bool suspected = false;  // true: trusted -> suspected; false: suspected -> trusted
  friend bool operator==(const Transition&, const Transition&) = default;
};

class FailureDetector {
 public:
  explicit FailureDetector(FailureDetectorOptions options = {});

  // Forgets everything and watches `peers` (everyone trusted), starting the bootstrap clock.
  void start(Time now, std::span<const NodeId> peers);
  // A heartbeat (or any message) from `peer` arrived at `now`. Unknown peers are ignored. The
  // silence that led to a suspicion is not added to the window (a restart or partition is not
  // the peer's normal rhythm and would slow later detections).
  void record_heartbeat(NodeId peer, Time now);
  // Forgets `peer`'s history as if it had just been added (e.g. when a channel reports that the
  // peer restarted): it is trusted again and gets a fresh bootstrap period.
  void reset(NodeId peer, Time now);

  // Suspicion level in [0, kMaxPhi]; 0 for unknown peers.
  double phi(NodeId peer, Time now) const;
  // The verdict as of the last poll().
  bool suspected(NodeId peer) const;
  // Re-evaluates every peer at `now` and returns the verdicts that changed since the last poll,
  // ascending by peer.
  std::vector<Transition> poll(Time now);

  // Silence after which a peer with a perfectly steady history is suspected: mean interval +
  // acceptable_pause + ~5.2 x min_std_dev at the default threshold.
  Duration steady_state_timeout() const;
  const FailureDetectorOptions& options() const { return options_; }
  std::vector<NodeId> suspects() const;
  // {"peer": {"phi": 0.3, "suspected": false, "samples": 42}, ...}
  std::string status_json(Time now) const;

 private:
  struct PeerState {
    explicit PeerState(std::uint32_t window) : intervals(window) {}
    IntervalWindow intervals;
    std::optional<Time> last_arrival;  // nullopt: never heard from
    Time watched_since;                // start of the bootstrap period
    bool suspected = false;
  };
  double phi_of(const PeerState& p, Time now) const;
  void seed_window(PeerState& p) const;

  FailureDetectorOptions options_;
  std::map<NodeId, PeerState> peers_;  // ordered: poll() must be deterministic
};

}  // namespace synod::detect
