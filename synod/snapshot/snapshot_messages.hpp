// Wire frames of the snapshot layer (one frame type; `kind` says which). The layer's frames ride
// the reliable FIFO channel below it; the application's payloads ride inside kData frames.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "synod/core/types.hpp"
#include "synod/wire/codec.hpp"

namespace synod::snapshot {

enum class FrameKind : std::uint32_t {
  kData = 1,    // an application message: seq numbers the channel's messages across lives
  kAck = 2,     // "I have received your messages 1..seq" (lets the sender prune its outbox)
  kMarker = 3,  // Chandy-Lamport marker of snapshot (initiator, snapshot)
  kReport = 4,  // a node's recorded local state and incoming channel states, to the initiator
};

// One application message, as kept in a durable outbox and in a recorded channel state.
struct Recorded {
  std::uint64_t seq = 0;
  Bytes payload;
  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&Recorded::seq), wire::field<2>(&Recorded::payload));
};

// The state of the incoming channel from `from`, as a report carries it.
struct ChannelRecord {
  std::uint32_t from = 0;
  std::uint64_t received = 0;      // messages from `from` received before the recording point
  std::vector<Recorded> messages;  // received after the recording point, before the marker
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&ChannelRecord::from),
                                                  wire::field<2>(&ChannelRecord::received),
                                                  wire::field<3>(&ChannelRecord::messages));
};

struct SentCount {
  std::uint32_t to = 0;
  std::uint64_t sent = 0;  // messages to `to` sent before the recording point
  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&SentCount::to), wire::field<2>(&SentCount::sent));
};

struct Frame {
  std::uint32_t kind = 0;
  std::uint64_t seq = 0;        // kData: the message's number; kAck: highest contiguous received
  Bytes payload;                // kData
  std::uint32_t initiator = 0;  // kMarker, kReport
  std::uint64_t snapshot = 0;   // kMarker, kReport: the initiator's snapshot number
  std::uint64_t nonce = 0;      // kReport: the reporter's life (matches its "snap.record")
  Bytes state;                  // kReport: the application's recorded local state
  std::vector<SentCount> sent;  // kReport
  std::vector<ChannelRecord> channels;  // kReport
  bool overflow = false;  // kReport: a channel state exceeded its limit; the snapshot is void
  static constexpr auto kFields = std::make_tuple(
      wire::field<1>(&Frame::kind), wire::field<2>(&Frame::seq), wire::field<3>(&Frame::payload),
      wire::field<4>(&Frame::initiator), wire::field<5>(&Frame::snapshot),
      wire::field<6>(&Frame::nonce), wire::field<7>(&Frame::state), wire::field<8>(&Frame::sent),
      wire::field<9>(&Frame::channels), wire::field<10>(&Frame::overflow));
};

// Durable per-peer sending state: the next message number and the unacknowledged messages.
struct Outbox {
  std::uint64_t next_seq = 1;
  std::vector<Recorded> unacked;
  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&Outbox::next_seq), wire::field<2>(&Outbox::unacked));
};

// Durable per-peer receiving state.
struct Inbox {
  std::uint64_t received = 0;  // messages 1..received have been handed to the application
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&Inbox::received));
};

// Storage keys (the layer shares the application's storage namespace; its keys start "snap.").
inline std::string outbox_key(NodeId peer) { return "snap.out." + std::to_string(peer); }
inline std::string inbox_key(NodeId peer) { return "snap.in." + std::to_string(peer); }
inline constexpr std::string_view kCounterKey = "snap.counter";

// Durable initiator counter, so snapshot ids stay unique across crashes.
struct SnapshotCounter {
  std::uint64_t last = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&SnapshotCounter::last));
};

}  // namespace synod::snapshot
