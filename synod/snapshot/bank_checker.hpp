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
//  L1 (simulator only, at quiescence) liveness:
//     L1a no hang: every snapshot whose initiator's life still runs has completed or aborted
//         within 2 x timeout of its start;
//     L1b completion: with every node up, a snapshot started at least `settle` after healing and
//         `complete_within` before the end has completed (at least one such does).
//  L2 (simulator only) no needless abort: a snapshot started at least `settle` after healing
//     and after the last crash, restart, pause or resume, with every node up, and during which
//     no node's life changed, completes; the layer aborting it (its
//     own check of the cut failed, or a report went missing) is a violation, not an excuse.
//     The window (liveness_window) follows the options: a node's next automatic snapshot comes
//     within 2 x auto_every, so the stabilisation phase is always long enough for L1b to judge.
#pragma once

#include "synod/check/checker.hpp"
#include "synod/core/time.hpp"

namespace synod::snapshot {

struct BankCheckerOptions {
  Duration timeout = std::chrono::seconds(5);     // the snapshot layer's timeout
  Duration auto_every = std::chrono::seconds(2);  // mean gap between automatic snapshots; 0: none
  Duration settle = std::chrono::milliseconds(2500);   // channels recover after the heal
  Duration complete_within = std::chrono::seconds(1);  // a snapshot in a healed cluster

  // How long after healing L1b needs: settle, the longest gap to a node's next snapshot, and the
  // time it takes to complete (0 when no snapshot starts by itself).
  Duration liveness_window() const;
};

CheckerList bank_checkers(BankCheckerOptions options = {});

}  // namespace synod::snapshot
