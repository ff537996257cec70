// Properties of Cristian's method, checked on every simulated event and on real traces (`synod
// check cristian`), from the observations listed in cristian.hpp, judged against ground truth:
// the true time of each event (Event.time_ns), not the times the client measured or reported.
// Only differences of times are used, so the simulator's clock epoch and the wall clock of real
// traces both work.
//
// Ground truth per exchange: t_ask and t_sample are the true times of the client's "ask" (the
// handler that sends the request) and of its "sample" (the handler the reply is delivered to):
// in the simulator exactly the times of the kSend and the kDeliver, so R = t_sample - t_ask is
// the TRUE round trip. t_serve is the true time of the server's "serve" and t_server the reading
// it served, so the server's own error against true time is e_s = t_server - t_serve. A clock
// step is a kFault "clock step" (with `amount_ns` in the simulator); rho = drift_ppm x 1e-6.
//
//  CR1 (every sync; rule C2) after the round, the client's clock is within the textbook's bound
//      of the server's: with e_c = committed_ns - t_sync (the client's SoftwareClock, as the
//      protocol observes it, against TRUE time at the sync) and the applied sample,
//        |e_c - e_s| <= R/2 + 3 rho (R + t_sync - t_sample) + slack
//      (R/2: the server read its clock somewhere inside the round trip; the drift terms cover
//      the RTT measured on a drifting clock and both clocks' drift until the sync). Not judged
//      (counted "excused") when the client's or that server's clock was stepped between the
//      round's first ask and the sync, or the serve is not in the trace.
//  CR2 (every sync; rule C1) the applied sample is the round's lowest TRUE round trip: R_applied
//      <= min R + 2 rho R_applied + slack (a drifting clock scales every RTT alike, so only the
//      rounding can reorder them). Excused like CR1 when the client's clock was stepped or its
//      drift changed during the round (the client cannot see that).
//  CR3 (every sync; rule C5) the applied sample's round trip was positive on the client's
//      clock: a backward step of s during it (s + R (1 + rho) <= 0 from the ground truth) makes
//      that sample one the client must have discarded.
//  CL1 (simulator only, after healing; rules C3, C4) every live client that has run for the
//      liveness window while some server was live has synced since the heal. The window follows
//      the options (cristian_liveness_window): a full cycle of failed calls, a period's wait and
//      a whole round, twice over. A client up for less than that is counted ("not judged").
#pragma once

#include "synod/check/checker.hpp"
#include "synod/core/time.hpp"
#include "synod/timesync/cristian.hpp"

namespace synod::timesync {

struct CristianCheckOptions {
  double drift_ppm = 1000;                        // bound on any clock's rate error
  Duration slack = std::chrono::microseconds(2);  // rounding; real traces need more
  Duration live_window = std::chrono::seconds(4);
};

// 2 x (period + (servers + samples) x (timeout + sample_gap)): after the heal a client may be
// waiting a period after a failed cycle, fail on every down server once, and then needs a whole
// round; twice, so a single unlucky round (a reply later than its deadline) is not a violation.
Duration cristian_liveness_window(const CristianOptions& o);

CheckerList cristian_checkers(CristianCheckOptions o = {});

}  // namespace synod::timesync
