// Options shared by the bully and ring elections (documented in docs/protocols/elections.md).
#pragma once

#include <cstdint>
#include <initializer_list>

#include "synod/detect/failure_detector.hpp"
#include "synod/node/mutant.hpp"
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
  // Test only (synod/node/mutant.hpp): the rule of bully.hpp (B1..B5) or ring.hpp (C1..C6) this
  // instance breaks on purpose, so the mutants sweep can show a checker catches it.
  Mutant mutant;
};

// The coarsest timer resolution a driver promises (the runtime's Asio timers): timeouts and
// periods below it are refused.
inline constexpr Duration kElectionTick = std::chrono::milliseconds(1);

// Whose rule tags `mutant` may name: bully.hpp's B1..B5 or ring.hpp's C1..C6.
enum class MutantRules : std::uint8_t { kNone, kBully, kRing };

// Keys: answer_timeout, coordinator_timeout, ring_timeout, start_delay, the detector's fd_* and
// `mutant` (a tag of `rules`). Refuses, with the reason, options under which the election cannot
// work: a timeout or heartbeat period below kElectionTick, fd_bootstrap <= fd_interval.
// `extra_keys` are tolerated (e.g. "algo" for the combined catalog entry).
Result<ElectionOptions> parse_election_options(const ProtocolOptions& opts,
                                               std::initializer_list<const char*> extra_keys = {},
                                               MutantRules rules = MutantRules::kNone);

}  // namespace synod::election
