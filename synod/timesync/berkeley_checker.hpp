// Properties of the Berkeley algorithm, checked on every simulated event and on real traces
// (`synod check berkeley`), from the observations listed in berkeley.hpp. Errors are
// committed_ns - time_ns (the node's committed clock minus the event's true time); only their
// differences are compared, so the simulator's epoch and real wall clocks both work.
//  BK1 (every round) after the adjustments of one round, the committed clocks of any two nodes
//      whose clocks were part of the average differ by at most rtt_i/2 + rtt_j/2 (each estimate
//      is within its RTT/2 of the truth: the textbook's "max RTT/2" per node, so two nodes add
//      up) plus the drift of the clocks since the round's poll (4 x drift_ppm x elapsed) and
//      `slack`. Rounds during which some clock was stepped (a fault) are not judged.
//  BK2 (every adjustment) the fault-tolerant average: a node whose clock was part of the
//      average is adjusted by at most max_deviation, so no clock outside that window (a faulty
//      one) pulls the others.
//  BL1 (simulator only, after healing) every live node that has run for `live_window` has been
//      adjusted since the heal (a master exists and reaches everyone).
#pragma once

#include "synod/check/checker.hpp"
#include "synod/core/time.hpp"

namespace synod::timesync {

struct BerkeleyCheckOptions {
  double drift_ppm = 200;                         // the swarm's largest drift
  Duration slack = std::chrono::microseconds(2);  // rounding; real traces need more
  Duration live_window = std::chrono::seconds(6);
};

CheckerList berkeley_checkers(BerkeleyCheckOptions o = {});

}  // namespace synod::timesync
