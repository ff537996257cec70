// Properties of bank-snapshot runs, checked on every simulated event and on real traces
// (`synod check bank-snapshot`), from the bank's and the snapshot layer's observations. The
// checker keeps every node's history of transfers (sends and receives, across lives: accounts are
// durable) and each node's recording point per snapshot ("snap.record"), so it rebuilds the cut
// of every completed snapshot on its own and judges it with the definitions (global_state.hpp):
//  X1 exactly once: every received transfer was sent, with that amount, and is received once; no
//     account goes negative; no account is opened twice (it is durable).
//  S1 the cut of every completed snapshot is consistent.
//  S2 each recorded balance is the balance the node had at its recording point.
//  S3 the recorded channel states are exactly the transfers in transit across the cut.
//  S4 conservation: recorded balances + amounts in the channels = the initial total.
//  S5 the total the initiator reported is that sum.
//  L1 (simulator only, all nodes up) a snapshot started after healing completes, and every
//     snapshot started after healing completes or aborts within 2 x timeout: none hangs.
#pragma once

#include "synod/check/checker.hpp"
#include "synod/core/time.hpp"

namespace synod::snapshot {

CheckerList bank_checkers(Duration timeout = std::chrono::seconds(5));

}  // namespace synod::snapshot
