// Properties of the Berkeley algorithm, checked on every simulated event and on real traces
// (`synod check berkeley`), from the observations listed in berkeley.hpp, judged against ground
// truth: a node's error is committed_ns - time_ns (its committed clock, as the protocol observes
// it, minus the event's TRUE time), and a sample's round trip is the TRUE time from the master's
// "poll" (the handler that sends the POLLs) to its "reply" for that node (the handler the REPLY is
// delivered to). Only differences of times are compared, so the simulator's epoch and real wall
// clocks both work. rho = drift_ppm x 1e-6.
//  BK1 (every round; rules B2, B3, B5) after the adjustments of one round, the committed clocks of
//      any two nodes whose clocks were part of the average differ by at most R_i/2 + R_j/2 (each
//      estimate is within its round trip's half of the truth: the textbook's "max RTT/2" per
//      node, so two nodes add up) plus the drift since the round's poll (4 rho elapsed) and
//      `slack`. Rounds during which some clock was stepped (a fault) are not judged (counted).
//  BK2 (every adjustment; rule B4) the fault-tolerant average: a node whose clock was part of the
//      average is adjusted by at most max_deviation, so no clock outside that window (a faulty
//      one) pulls the others.
//  BK3 (every adjustment; rule B3) a node is adjusted only from a sample whose TRUE round trip is
//      within rtt_limit (1 + rho) + slack: a slower sample must have been ignored.
//  BL1 (simulator only, after healing; rules B1, B4, B5) every live node that has run for the
//      liveness window has been adjusted since the heal; a node whose last reply took longer
//      than rtt_limit (TRUE round trip: a slow link, rule B3 ignores it) is counted "excused".
//  BL2 (simulator only, after healing; rules B1, B4) the live nodes' clocks agree against TRUE
//      time: each node's error at its last adjustment, extrapolated to the end of the run, is
//      within 2 rtt_limit + 2 rho age + slack of every other's (two rounds' estimates at most).
//  BL3 (simulator only, after healing; rule B6) exactly one live node is master, and it is the
//      live node of best priority (the configured master, then ascending ids).
// The liveness window (berkeley_liveness_window) follows the options: a takeover by the worst of
// five nodes (master_timeout + 3 periods), then two rounds (2 x (period + reply_timeout)).
// BL1-BL3 judge a node only when it has been up that long (else it is counted "not judged").
#pragma once

#include "synod/check/checker.hpp"
#include "synod/core/time.hpp"
#include "synod/timesync/berkeley.hpp"

namespace synod::timesync {

struct BerkeleyCheckOptions {
  double drift_ppm = 200;                         // the swarm's largest drift
  Duration slack = std::chrono::microseconds(2);  // rounding; real traces need more
  Duration live_window = std::chrono::seconds(9);
  Duration rtt_limit = std::chrono::milliseconds(50);
  Duration period = std::chrono::seconds(1);
  Duration master_timeout = std::chrono::seconds(3);
  NodeId master = kNoNode;  // the configured master (priority 0)
};

// master_timeout + 3 periods (the fifth node's takeover) + 2 x (period + reply_timeout).
Duration berkeley_liveness_window(const BerkeleyOptions& o);
// The checker settings for a protocol run with `o` (window, rtt_limit, master).
BerkeleyCheckOptions berkeley_check_options(const BerkeleyOptions& o);

CheckerList berkeley_checkers(BerkeleyCheckOptions o = {});

}  // namespace synod::timesync
