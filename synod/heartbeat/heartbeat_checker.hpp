// Properties of the heartbeat protocol, checked on every simulated event and on real traces:
//  H1 durable incarnation: each start of a node observes a strictly larger incarnation than any
//     earlier life (needs the put+sync before the first beat to survive crashes).
//  H2 own progress: a node's (incarnation, counter) beats strictly increase.
//  H3 monotone belief: within one life of observer a, what a learns about p strictly increases.
//  H4 no fabrication: nobody learns an (incarnation, counter) for p that p has not reached.
//  H5 completeness and accuracy after healing (simulator only): every live node trusts every
//     other live node and suspects every crashed one. Its window follows the options: a crashed
//     node is suspected `timeout` after its last beat was heard, plus one beat to notice; a live
//     one is heard again within a few gossip rounds.
// And the message count (checker "heartbeat-messages", from the driver's kSend events):
//  H6 every beat sends exactly min(fanout, n - 1) messages, to distinct peers, in the input of the
//     beat (n: the nodes the driver started), and the node sends nothing outside beats.
#pragma once

#include "synod/check/checker.hpp"
#include "synod/heartbeat/heartbeat.hpp"

namespace synod {

CheckerList heartbeat_checkers(const HeartbeatOptions& options = {});

}  // namespace synod
