// Properties of the elections (bully and ring), checked on every simulated event and on real
// traces (`synod check`). Five checkers, named for what they catch:
//
// "election" (safety, from the "elected" and "leader" observations):
//  E1 at most one leader per epoch: every "leader" observation of an epoch names the same node.
//  E2 an epoch is declared once: no node (in any life) declares an epoch already declared; this is
//     what persisting the round before announcing buys (a crash cannot reuse an epoch).
//  E3 no fabricated leader: a node accepts (epoch, leader) only after `leader` declared `epoch`.
//  E4 within one life, the epochs a node accepts strictly increase.
//
// "election-liveness" (simulator only):
//  L1 after healing and liveness_window(): every live node has accepted a leader, all the same
//     one, and it is the highest live id. The window is derived from the options (see
//     liveness_window below), so the simulator's stabilise phase is always long enough.
//
// The next three judge against ground truth (election_ground_truth.hpp: real node lives, real
// sends, deliveries and drops), and only where the ground truth settles the question; every
// judgement they cannot make is excused and counted (verdicts()), never passed silently.
//
// "election-winner":
//  W1 the declared winner is the highest id that was alive and could know of the election. When
//     node d declares at time t, no node h > d may have been, throughout the election window
//     [lo, t], up in one life (not paused, its storage readable), trusted by the nodes that had
//     to hear from it (bully: d; ring: every live node, since any of them may route the ring
//     past h) and reachable (no kFault of any kind, no pause, no drop and no refused send
//     involving h since lo - kChannelRecovery, no message between d and h slower than `slow`).
//     lo = t - answer_timeout - trust_gap for bully (a declaring attempt began at most
//     answer_timeout ago, and d asks every higher node it trusts: such an h would have
//     ANSWERed in time); for ring lo = the first ELECTION(d) that d sent since its last
//     declaration in this life, minus trust_gap (h on the ring would have killed that ELECTION:
//     it forwards only higher ids). In a boot, starts count as time 0. A higher node that is up
//     but does not meet the conditions makes the declaration "excused" (counted); a down one
//     does not count at all.
//
// "election-declarations":
//  D1 one declaration per election: a node that declared in this life declares again only if,
//     since its last declaration, an election message was delivered to it, it accepted another
//     leader, or another node declared (the bully's and ring's only reasons to run again:
//     a new election reached it, or its reign became stale).
//
// "election-messages" (message complexity over failure-free phases, counted from the kSend
//  events of election messages: what the network carried, not what the protocol counts):
//  An episode is a run of election messages with gaps shorter than `quiet` (bully:
//  answer_timeout + coordinator_timeout; ring: ring_timeout). It is judged when it is calm:
//  no disturbance (fault, pause, crash, recovery, drop, refused or slow send) from
//  liveness_window() before its first message (or from boot) to its last, every pair of live
//  nodes trusted each other throughout, so no process could suspect another. With n the live
//  nodes:
//  M1 bully: at most n(n-1)/2 + (n-1) ELECTION, as many ANSWER, and 2(n-1) COORDINATOR (the
//     textbook's O(n^2): every process asks each higher one once, plus one re-ask per node that
//     an ELECTION sent before the COORDINATOR reaches once it is idle again; the coordinator
//     announces to n-1 and re-sends its epoch to each asker). Best case, the highest notices:
//     n-2 COORDINATOR (bully_test.cpp). Ring: at most 3n-1 messages (n-1 ELECTION to reach the
//     highest, n for its own, n ELECTED; in the ascending ring concurrent initiators add
//     nothing: each lower ELECTION dies at the next node).
//  M2 a calm episode has at most one declaration.
//  Episodes that are not calm are excused and counted.
#pragma once

#include <cstdint>

#include "synod/check/checker.hpp"
#include "synod/election/election_options.hpp"

namespace synod::election {

enum class Algorithm : std::uint8_t { kBully, kRing };

// Margin the reliable channel needs after a disturbance to drain what it holds (its rto_max).
inline constexpr Duration kChannelRecovery = std::chrono::seconds(1);

// How long after healing L1 must wait: a restarted node's start_delay, the channel's recovery,
// detection of dead nodes (fd_bootstrap + fd_pause + 10 x max(fd_min_std, fd_interval): phi
// stays below its threshold for several standard deviations of a jittery link) and two election
// attempts (bully: 2 (answer_timeout + coordinator_timeout); ring: 2 ring_timeout).
Duration liveness_window(const ElectionOptions& o, Algorithm a);
// The detector cannot suspect a peer heard from less than this long ago (see GroundTruth).
Duration trust_gap(const ElectionOptions& o);

// The five checkers above, set up for `o` and algorithm `a`.
CheckerList election_checkers(const ElectionOptions& o = {}, Algorithm a = Algorithm::kBully);

}  // namespace synod::election
