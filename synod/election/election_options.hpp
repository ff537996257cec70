// Options shared by the bully and ring elections (documented in docs/protocols/elections.md).
#pragma once

#include "synod/detect/failure_detector.hpp"
#include "synod/node/registry.hpp"

namespace synod::election {

struct ElectionOptions {
  detect::FailureDetectorOptions detector;  // heartbeats every detector.heartbeat_interval
  // Bully: how long a candidate waits for an ANSWER from a higher id before declaring itself
  // (the textbook's T = 2 T_trans + T_process, with room for a retransmission).
  Duration answer_timeout = std::chrono::milliseconds(200);
  // Bully: after an ANSWER, how long to wait for the COORDINATOR before starting again.
  Duration coordinator_timeout = std::chrono::milliseconds(600);
  // Ring: how long a participant waits for ELECTED before starting a new election.
  Duration ring_timeout = std::chrono::milliseconds(600);
  // Delay before a starting node holds its first election (0: at once, as the textbook's
  // recovering process does). Tests use it to pick the one initiator.
  Duration start_delay = Duration::zero();
  // Negative control only: announce without persisting the round, so a restarted node can reuse
  // an epoch (the checker must catch it). Never set outside tests.
  bool unsafe_skip_sync = false;
};

// Keys: answer_timeout, coordinator_timeout, ring_timeout, start_delay and the detector's fd_*.
// `extra_keys` are tolerated (e.g. "algo" for the combined catalog entry).
Result<ElectionOptions> parse_election_options(const ProtocolOptions& opts,
                                               std::initializer_list<const char*> extra_keys = {});

}  // namespace synod::election
