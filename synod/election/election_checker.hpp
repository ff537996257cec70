// Properties of the elections (bully and ring), checked on every simulated event and on real
// traces (`synod check`), from the "elected" and "leader" observations:
//  E1 at most one leader per epoch: every "leader" observation of an epoch names the same node.
//  E2 an epoch is declared once: no node (in any life) declares an epoch already declared; this is
//     what persisting the round before announcing buys (a crash cannot reuse an epoch).
//  E3 no fabricated leader: a node accepts (epoch, leader) only after `leader` declared `epoch`.
//  E4 within one life, the epochs a node accepts strictly increase.
//  L1 (simulator only, after healing) every live node has accepted a leader, all the same one, and
//     it is the highest live id.
#pragma once

#include "synod/check/checker.hpp"

namespace synod::election {

CheckerList election_checkers();

}  // namespace synod::election
