// What an application must offer to be snapshotted by the snapshot layer (snapshot_layer.hpp):
// its local state as bytes. The layer sees every message the application sends and receives (it
// is the application's channel), so it records channel states itself. At the initiator the layer
// hands the application the assembled global state to interpret (the bank sums the money) and
// asks it to render states and messages for `synod snapshot`.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "synod/node/protocol.hpp"
#include "synod/snapshot/global_state.hpp"

namespace synod::snapshot {

// Concurrent snapshots are told apart by their initiator and its (durable) counter.
struct SnapshotId {
  NodeId initiator = kNoNode;
  std::uint64_t seq = 0;
  auto operator<=>(const SnapshotId&) const = default;
};

struct RecordedMessage {
  MessageId id;
  Bytes payload;
};

struct LocalState {
  NodeId node = kNoNode;
  std::uint64_t nonce = 0;  // the recording life (matches the "snap.record" observation)
  Bytes state;              // Snapshottable::record_state() at the recording point
};

// The initiator's assembly: every node's local state and every channel's recorded messages.
struct GlobalState {
  SnapshotId id;
  bool complete = false;  // all reports in, cut consistent, channel states = messages in transit
  std::string reason;     // why not complete
  std::vector<LocalState> locals;            // ascending node
  std::vector<RecordedMessage> in_channels;  // ascending MessageId
  bool consistent = false;
  bool transitless = false;
  std::vector<NodeId> missing;  // nodes whose report never came (aborted snapshots)
};

class Snapshottable : public Protocol {
 public:
  // The local state at this instant. Called inside the input that records it.
  virtual Bytes record_state() const = 0;
  // At the initiator, once a snapshot completes or is aborted.
  virtual void on_global_state(Context& ctx, const GlobalState& state) {
    (void)ctx;
    (void)state;
  }
  // JSON values for `synod snapshot` (defaults say only how big they are).
  virtual std::string state_json(ByteView state) const {
    return "{\"bytes\":" + std::to_string(state.size()) + "}";
  }
  virtual std::string message_json(ByteView payload) const {
    return "{\"bytes\":" + std::to_string(payload.size()) + "}";
  }
  // An application summary of the whole state (the bank: totals and conservation).
  virtual std::string summary_json(const GlobalState& state) const {
    (void)state;
    return "{}";
  }
};

}  // namespace synod::snapshot
