// Properties of the heartbeat protocol, checked on every simulated event and on real traces:
//  H1 durable incarnation: each start of a node observes a strictly larger incarnation than any
//     earlier life (needs the put+sync before the first beat to survive crashes).
//  H2 own progress: a node's (incarnation, counter) beats strictly increase.
//  H3 monotone belief: within one life of observer a, what a learns about p strictly increases.
//  H4 no fabrication: nobody learns an (incarnation, counter) for p that p has not reached.
//  H5 completeness and accuracy after healing (simulator only): every live node trusts every
//     other live node and suspects every crashed one.
#pragma once

#include "synod/check/checker.hpp"

namespace synod {

CheckerList heartbeat_checkers();

}  // namespace synod
