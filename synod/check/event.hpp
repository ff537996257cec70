// One event of an execution, as checkers and traces see it. The simulator produces these live; the
// runtime writes them as JSON lines, and `synod check` reads them back, so a checker runs unchanged
// on simulated seeds and on traces of real runs.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "synod/causal/vector_clock.hpp"
#include "synod/core/types.hpp"
#include "synod/node/observation.hpp"

namespace synod {

enum class EventKind : std::uint8_t {
  kStart,    // node started fresh
  kRecover,  // node restarted after a crash
  kCrash,    // node lost its volatile state
  kPause,    // node stopped processing (a GC pause, SIGSTOP)
  kResume,
  kSend,     // node -> peer, protocol, bytes
  kDeliver,  // peer -> node (node is the receiver)
  kDrop,     // message lost; `what` says why
  kTimer,    // a timer fired on node
  kObserve,  // a protocol's observation; `what` is its kind
  kFault,    // network/clock fault applied; `what` describes it
  kHeal,     // all network faults removed (start of the stabilisation period)
};

std::string_view event_kind_name(EventKind kind);

// True when `e` begins a new input of e.node (a start, recovery, crash, timer or delivery): what
// the node does until its next input is one handler, which checkers of "per input" rules (one
// marker per channel per recording, fanout per beat) use as their unit.
constexpr bool begins_input(EventKind kind) {
  return kind == EventKind::kStart || kind == EventKind::kRecover || kind == EventKind::kCrash ||
         kind == EventKind::kTimer || kind == EventKind::kDeliver;
}

struct Event {
  std::uint64_t seq = 0;     // position in the execution
  std::int64_t time_ns = 0;  // true time (simulator) or wall clock (real runs)
  EventKind kind = EventKind::kObserve;
  NodeId node = kNoNode;
  NodeId peer = kNoNode;  // sender for kDeliver, receiver for kSend/kDrop
  ProtocolId protocol = 0;
  std::uint32_t bytes = 0;
  std::string_view what{};
  std::span<const ObsField> fields{};
  // Causality (filled when the driver stamps events: simulator with tracing on, runtime always).
  std::uint64_t msg_id =
      0;  // kSend/kDeliver/kDrop: identifies the message, matching send to deliver
  std::uint64_t lamport = 0;                      // 0 = not stamped
  std::span<const causal::VectorEntry> vclock{};  // the node's vector clock after this event
  std::uint32_t life = 0;  // which life (incarnation) of `node` this event belongs to
};

}  // namespace synod
