// Properties of Cristian's method, checked on every simulated event and on real traces (`synod
// check cristian`), from the observations listed in cristian.hpp. Only differences of times are
// used, so the simulator's clock epoch and the wall clock of real traces both work.
//  CR1 (every sample) the client's estimate T_server + RTT/2 is within RTT/2 + drift x RTT of the
//      server's clock at the instant the reply arrives: |estimate - (t_server + (t_c - t_s))| <=
//      rtt/2 + drift_ppm x rtt + slack, where t_s is the true time of the server's "serve" and t_c
//      that of the client's "sample". Skipped for a sample during which the client's clock was
//      stepped (a fault: Cristian assumes the client's clock measures the RTT faithfully), or
//      whose "serve" is not in the trace.
//  CR2 (every sync) the round applied its lowest-RTT sample.
//  CL1 (simulator only, after healing) every live client that has run for `live_window` has
//      synced since the heal, when some server is live.
#pragma once

#include "synod/check/checker.hpp"
#include "synod/core/time.hpp"

namespace synod::timesync {

struct CristianCheckOptions {
  double drift_ppm = 1000;                        // bound on any clock's rate error
  Duration slack = std::chrono::microseconds(2);  // rounding; real traces need more
  Duration live_window = std::chrono::seconds(4);
};

CheckerList cristian_checkers(CristianCheckOptions o = {});

}  // namespace synod::timesync
