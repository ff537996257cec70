// The initiator's half of Chandy-Lamport: from the nodes' reports, the global state and its
// verdict under the definitions (global_state.hpp); and its JSON for `synod snapshot`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "synod/snapshot/snapshot_messages.hpp"
#include "synod/snapshot/snapshottable.hpp"

namespace synod::snapshot {

// `nodes` is every node of the cluster. The state is complete when every node reported, no
// channel state overflowed, the cut is consistent and the recorded channel states are exactly
// the messages in transit across the cut (what Chandy-Lamport guarantees without failures).
GlobalState assemble(const SnapshotId& id, const std::vector<NodeId>& nodes,
                     const std::map<NodeId, Frame>& reports);

// {"snapshot":{"initiator":1,"seq":3},"complete":true,"reason":"","consistent":true,
//  "transitless":false,"strongly_consistent":false,"missing":[],
//  "nodes":[{"node":1,"state":APP}],"channels":[{"from":2,"to":1,"seq":5,"message":APP}],
//  "summary":APP}
std::string global_state_json(const GlobalState& state, const Snapshottable& app);

}  // namespace synod::snapshot
