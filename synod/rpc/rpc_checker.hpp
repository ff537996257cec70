// Properties of RPC executions, checked on every simulated event (and on real traces) from the
// endpoint's observations:
//  R1 at-most-once: a request id (client session, seq) is executed at most once, across every
//     server and every server life.
//  R2 no phantom execution: an executed request was sent by the node named as its client, to the
//     executing node, for the same method.
//  R3 reply matches request: a call that completes OK at the client got exactly the response the
//     server's one execution of that request id produced (same payload hash), and only the
//     calling node completes it.
//  R4 results follow executions: a server reports a result only for a request it executed.
#pragma once

#include "synod/check/catalog.hpp"
#include "synod/check/checker.hpp"

namespace synod::rpc {

CheckerList rpc_checkers();

// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();

}  // namespace synod::rpc
