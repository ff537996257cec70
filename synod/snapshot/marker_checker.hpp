// Chandy-Lamport's message count (checker "snapshot-markers"): a node sends exactly one marker of
// a snapshot on each of its outgoing channels, in the input where it records (snapshot_layer.hpp,
// CL2). From the layer's "snap.record" and "snap.marker" observations and the driver's inputs:
//  M1 per recording of snapshot S by a node life: one snap.marker of S to every other node of the
//     cluster (the nodes the driver started), all in the recording input, none twice, none later;
//     (A cross-check that each marker is followed by a kSend in the same input is written but off:
//     after restarts the reliable channel may hold a marker back, so it fired on correct runs.)
// So over a run, markers per snapshot = recording nodes x (n - 1), the algorithm's count.
#pragma once

#include <memory>

#include "synod/check/checker.hpp"

namespace synod::snapshot {

std::unique_ptr<Checker> marker_checker();

}  // namespace synod::snapshot
