// Properties of the lock service, checked on every simulated event and on real traces (all read
// the observations listed in lock_service.hpp and token_observations.hpp):
//  M1 exclusion: at most one node is in the critical section at any instant (true-time order of
//     "enter" / "exit" / crash events);
//  M2 fencing: no fencing token is ever granted twice (strict, even in degraded runs), and
//     grants' tokens strictly increase in grant order;
//  M3 timestamp order (Ricart-Agrawala): nobody enters while a request with a smaller (T, i) is
//     pending at a live node;
//  L1 (at quiescence) no starvation: every live node that asked for the lock got it;
//  T1 (at quiescence, token algorithms) exactly one token: of the newest generation, exactly one
//     is held by or in flight to a live node, and no live node holds an older one.
// M1-M3 assume what the algorithms' recovery assumes: the failure detector suspects only crashed
// nodes. After a false suspicion ("suspect" of a node that was up and had not crashed within the
// detector's timeout) a run is *degraded*: M1-M3 breaches are counted in CheckStats instead of
// failing the run (the fencing token is what still protects the resource then; see
// docs/protocols/mutex.md). Token uniqueness, L1 and T1 stay strict. Nothing is excused
// silently: degraded runs, excused breaches and fenced grants are counted in verdicts(), which
// `synod check` and `synod sim --json` print. L1 and T1 need liveness_window() after the heal,
// derived from the options (detection, recovery, retries, serving a queue of waiters).
//
// A second checker, "mutex-messages", holds the algorithms to the message counts their headers
// state, over failure-free phases: from `settle` (= the liveness window) after the last
// disturbance (fault, heal, crash, recovery, pause, drop, suspicion, trust, peer restart; the
// cluster's first start needs none) to the next one or the end of the run. It counts the
// algorithm's own message types as the lock service's "msg" observations report them (the
// kSend events of the channel-wrapped protocol mix in acknowledgements and heartbeats and carry
// no type) and checks them against the entries of the phase:
//   central <= 3 per entry, Ricart-Agrawala <= 2(N-1), Suzuki-Kasami <= N,
//   token ring <= 1 per entry + N per ring_idle_hold of the phase (unbounded with idle hold 0:
//   not judged, counted as a verdict),
// plus one entry's worth per node for the requests in flight at the phase's edges.
#pragma once

#include <cstdint>
#include <memory>

#include "synod/check/checker.hpp"
#include "synod/mutex/mutex_catalog.hpp"

namespace synod::mutex {

struct CheckStats {
  std::uint64_t runs = 0;
  std::uint64_t degraded_runs = 0;  // runs with at least one false suspicion
  std::uint64_t excused = 0;        // M1-M3 breaches in degraded runs
  std::uint64_t enters = 0;
  std::uint64_t false_suspicions = 0;
  std::uint64_t fenced = 0;         // grants below an earlier token: a fenced resource refuses them
  std::uint64_t judged_phases = 0;  // failure-free phases whose message count was checked
};

// How long after the heal L1 and T1 need: suspicion of a crashed holder, token recovery or a
// coordinator round, retries, and serving a queue of waiters.
Duration mutex_liveness_window(const LockOptions& lock, const WorkloadOptions& workload);

// Checkers ("mutex", "mutex-messages") of the lock service running `config.lock.algorithm`: they
// read only its protocol id's events, so several algorithms on one node are judged apart.
// `stats` (optional) accumulates over every checker list made with it.
CheckerList mutex_checkers(const MutexConfig& config, std::shared_ptr<CheckStats> stats = nullptr);
// With the default options of `algorithm`.
CheckerList mutex_checkers(Algorithm algorithm, std::shared_ptr<CheckStats> stats = nullptr);

}  // namespace synod::mutex
