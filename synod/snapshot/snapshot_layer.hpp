// The snapshot layer: Chandy-Lamport snapshots of any application that can record its local state
// (Snapshottable), over the reliable FIFO channel.
//
//   ReliableChannel( SnapshotLayer( app ) )
//
// Delivery. The layer numbers the application's messages per channel (1, 2, 3 ...) durably and
// keeps a durable outbox of the ones the receiver has not acknowledged; the receiver durably
// remembers how many it has handed up, drops duplicates and acknowledges. After either side
// restarts, the outbox is sent again. So every message is delivered exactly once and in order
// per channel across crashes, which is what lets a bank keep its money through crashes and lets
// the initiator judge a cut from per-channel counts (global_state.hpp, cut_from_counts).
//
// Chandy-Lamport (marker rules). The initiator records its state, starts recording every incoming
// channel and sends a marker on every outgoing channel. A node receiving a marker of snapshot S
// for the first time records its state, records that channel as empty, starts recording its other
// incoming channels and sends markers on all outgoing channels; receiving a later marker of S
// stops recording that channel. A node with every incoming channel closed sends its report (local
// state, per-channel counts and recorded messages) to the initiator, which assembles the global
// state, judges it with the definitions, and hands it to the application. Snapshots are named by
// (initiator, durable counter); any node may initiate; several may run at once.
//
// Failures. Snapshot state is volatile. If a node crashes mid-snapshot its markers or report are
// lost and the initiator aborts the snapshot after `timeout`; a report from a node's earlier life
// whose markers were lost makes the cut inconsistent, and the initiator reports it aborted too.
// It never hangs. See docs/protocols/snapshot.md.
//
// Rules (tags cited at the branches; each has a mutant, snapshot_catalog.cpp):
//  D1 numbering: each application message on a channel takes the next number (1, 2, 3 ...) and
//     enters the durable outbox before the channel sees it (persist before send).
//  D2 exactly once: a receiver hands up only the next number and counts it durably; a lower one
//     is a duplicate, acknowledged again and never handed up.
//  D3 resend: after either side restarts, the unacknowledged outbox is sent again; only an
//     acknowledgement removes a message from it.
//  CL1 record: a node recording snapshot S records its local state and starts recording every
//      incoming channel; a message arriving on a channel being recorded belongs to its state.
//  CL2 markers: right after recording, the node sends exactly one marker of S on every outgoing
//      channel, before anything else on it (observed as snap.marker).
//  CL3 first marker: the first marker of S a node receives makes it record (CL1, CL2), and the
//      channel it came on is recorded as empty.
//  CL4 later marker: a later marker of S closes the recording of the channel it came on.
//  CL5 report: a node whose incoming channels are all closed sends its report to the initiator;
//      the initiator assembles the global state once every node has reported.
//  CL6 timeout: a snapshot missing a report after `timeout` is aborted (it never hangs).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "synod/channel/channel_layer.hpp"
#include "synod/node/mutant.hpp"
#include "synod/snapshot/snapshot_messages.hpp"
#include "synod/snapshot/snapshottable.hpp"

namespace synod::snapshot {

struct SnapshotOptions {
  // An initiator that has not heard every report after this long aborts the snapshot.
  Duration timeout = std::chrono::seconds(5);
  // Mean gap (uniform in [0, 2x]) between snapshots this node initiates by itself; 0 = never.
  Duration auto_every = Duration::zero();
  // Acknowledgements are batched for this long.
  Duration ack_delay = std::chrono::milliseconds(20);
  Mutant mutant = {};  // test-only: breaks one rule above
};

// Limits (docs/protocols/snapshot.md). The outbox bound keeps a full resend inside the reliable
// channel's window (64) even with markers and acknowledgements in flight.
inline constexpr std::size_t kMaxOutbox = 32;  // unacknowledged messages per peer
inline constexpr std::size_t kMaxAppPayload = 4096;
inline constexpr std::size_t kMaxOpenSnapshots = 16;  // per node; more markers are ignored
inline constexpr std::size_t kMaxRecordedPerChannel = 1024;
inline constexpr std::size_t kMaxReportBytes = 60U << 10U;  // under the channel's 64 KiB payload
inline constexpr std::size_t kFinishedMemory = 256;  // finished ids kept to ignore late markers

struct SnapshotStats {
  std::uint64_t sent = 0;        // application messages numbered and sent
  std::uint64_t delivered = 0;   // handed to the application (exactly once)
  std::uint64_t duplicates = 0;  // already delivered; acknowledged again
  std::uint64_t gaps = 0;        // ahead of the next expected number (never expected)
  std::uint64_t resent = 0;      // outbox messages sent again after a restart
  std::uint64_t rejected = 0;    // application sends refused (not writable, too large)
  std::uint64_t malformed = 0;
  std::uint64_t storage_errors = 0;
  std::uint64_t started = 0;  // snapshots this node initiated
  std::uint64_t completed = 0;
  std::uint64_t aborted = 0;
  std::uint64_t recorded = 0;         // local recordings (as initiator or on a first marker)
  std::uint64_t markers_ignored = 0;  // late (finished) or over the open limit
};

class SnapshotLayer final : public channel::ChannelLayer {
 public:
  SnapshotLayer(std::unique_ptr<Snapshottable> app, SnapshotOptions options);
  ~SnapshotLayer() override;

  void on_start(Context& ctx) override { start(ctx, false); }
  void on_recover(Context& ctx) override { start(ctx, true); }
  void on_message(Context& ctx, NodeId from, ByteView payload) override;
  void on_peer_event(Context& ctx, NodeId peer, PeerEvent event) override;
  // "snapshot": initiate one here and answer with the assembled global state (JSON) when it
  // completes or is aborted. Other verbs go to the application.
  void on_command(Context& ctx, CommandId id, std::string_view verb,
                  std::string_view args) override;
  std::string status_json() const override;

  // Starts a snapshot; `cmd` (0 = none) is answered when it ends. False (and nothing started)
  // when this node has too many snapshots open or cannot persist its counter.
  bool initiate(Context& ctx, CommandId cmd);

  const SnapshotStats& stats() const { return stats_; }
  const Snapshottable& app() const { return *app_; }
  std::size_t open_snapshots() const { return open_.size(); }

 protected:
  void app_send(Context& base, NodeId to, Bytes payload) override;
  bool app_writable(NodeId to) const override;
  void on_channel_timer(Context& base, TimerTag tag) override;

 private:
  struct Channel {  // an incoming channel's recording in one snapshot
    bool closed = false;
    std::vector<Recorded> messages;
  };
  struct Open {  // a snapshot this node has recorded and not yet reported
    Bytes state;
    std::vector<SentCount> sent;
    std::map<NodeId, std::uint64_t> received;  // at the recording point
    std::map<NodeId, Channel> channels;
    bool overflow = false;
  };
  struct Collecting {  // at the initiator
    std::map<NodeId, Frame> reports;
    CommandId cmd = 0;
  };

  void start(Context& ctx, bool recovering);
  void load(Context& ctx);
  void send_frame(Context& base, NodeId to, const Frame& f);
  void resend(Context& base, NodeId to);
  bool persist(Context& base, std::string_view key, const Bytes& value);
  void sync(Context& base);
  void arm_ack(Context& base);
  void arm_timeout(Context& base, const SnapshotId& id);
  void disarm_timeout(Context& base, const SnapshotId& id);

  // Delivery (snapshot_delivery.cpp).
  void on_data(Context& base, NodeId from, Frame& f);
  void on_ack(Context& base, NodeId from, const Frame& f);
  void send_acks(Context& base);

  // Chandy-Lamport (chandy_lamport.cpp).
  void record(Context& base, const SnapshotId& id);
  void on_marker(Context& base, NodeId from, const SnapshotId& id);
  void maybe_report(Context& base, const SnapshotId& id);
  void on_report(Context& base, NodeId from, Frame& f);
  void finish(Context& base, const SnapshotId& id);
  void on_timeout(Context& base, const SnapshotId& id);
  void forget(const SnapshotId& id);
  void schedule_auto(Context& base);

  Snapshottable* app_;  // owned by the ChannelLayer as its inner protocol
  SnapshotOptions options_;
  Context* base_ = nullptr;  // the driver's context (same object for the node's life)
  std::uint64_t nonce_ = 0;  // this life
  std::map<NodeId, Outbox> out_;
  std::map<NodeId, Inbox> in_;
  std::set<NodeId> ack_due_;
  bool ack_timer_ = false;
  std::uint64_t counter_ = 0;  // last snapshot number this node initiated (durable)
  std::map<SnapshotId, Open> open_;
  std::map<SnapshotId, Collecting> collecting_;
  std::map<SnapshotId, std::pair<TimerId, std::uint64_t>> timers_;  // timeout, its serial
  std::map<std::uint64_t, SnapshotId> timer_ids_;                   // timer serial -> snapshot
  std::uint64_t next_timer_serial_ = 1;
  std::set<SnapshotId> finished_;
  std::deque<SnapshotId> finished_order_;
  SnapshotStats stats_;
};

}  // namespace synod::snapshot
