// Properties of RPC executions, checked on every simulated event (and on real traces) from the
// endpoint's observations and, where the driver knows better, from ground truth (the event's true
// time, real node lives: kStart/kRecover/kCrash, pauses and clock faults). Each endpoint rule
// (P1..P7, endpoint.hpp) has a checker here that catches it broken (docs/protocols/rpc.md).
//
// checker "rpc":
//  R1 at-most-once: a request id (client session, seq) is executed at most once, across every
//     server and every server life (P1, P2).
//  R2 no phantom execution: an executed request was sent by the node named as its client, to the
//     executing node, for the same method.
//  R3 reply matches request: a call that completes OK at the client got exactly the response the
//     server's one execution of that request id produced (same payload hash), and only the
//     calling node completes it.
//  R4 results follow executions: a server reports a result only for a request it executed.
// checker "rpc_retry":
//  R5 a call of a non-idempotent method is sent under one request id only: it is never retried
//     after a server restart, since the first id may have run in the earlier life (P3).
// checker "rpc_deadline" (true time):
//  R6 a call completes no later than its deadline (true time of its start plus its budget, with
//     the clock-rate tolerance below) unless its node was paused or its clock rate changed
//     meanwhile (counted as "excused"); at quiescence every call of a live node whose deadline
//     has passed has completed (P4).
// checker "rpc_cancel":
//  R7 a cancel is sent only by the call's client, and a cancel that reaches the server while the
//     call runs there is seen by the call: its result reports cancelled() (P5).
// checker "rpc_epoch" (real node lives):
//  R8 every life of a server announces an epoch greater than any earlier life's, before it
//     executes anything (P6).
// checker "rmi_dgc" (true time):
//  R9 an exported object is not collected (other than by unexport) before its export grace is
//     over, nor while a lease granted to a holder that has not released it is unexpired; a clock
//     step or rate change on the server meanwhile excuses it (counted) (P7).
#pragma once

#include <memory>
#include <vector>

#include "synod/check/catalog.hpp"
#include "synod/check/checker.hpp"
#include "synod/core/time.hpp"

namespace synod::rpc {

// Clock rates differ from true time by at most this (the simulator's swarm draws up to 200 ppm);
// windows measured on a node's clock are judged in true time with this much slack, plus 1 ms.
inline constexpr double kRateTolerance = 1e-3;

// All of the above. `longest_deadline` is the longest budget a call of the run can have: R6's
// liveness window (how long after healing every pending call must have completed).
CheckerList rpc_checkers(Duration longest_deadline = std::chrono::seconds(5));

std::unique_ptr<Checker> retry_checker();                              // R5
std::unique_ptr<Checker> deadline_checker(Duration longest_deadline);  // R6
std::unique_ptr<Checker> cancel_checker();                             // R7
std::unique_ptr<Checker> epoch_checker();                              // R8
std::unique_ptr<Checker> dgc_checker();                                // R9

// The endpoint's mutants (P1..P7 of endpoint.hpp; P7 only for runs that hold remote references)
// with the checker above that must catch each: every catalog entry built on an endpoint lists them.
std::vector<MutantSpec> endpoint_mutants(bool rmi);
// R6's window for a run whose calls have `call_deadline`, plus the DGC's own calls under `lease`.
Duration longest_deadline(Duration call_deadline, Duration lease);

// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();

}  // namespace synod::rpc
