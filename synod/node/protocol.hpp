// A protocol is a pure state machine with four inputs. It never blocks, never reads global state,
// and acts only through the Context it is handed on each call.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "synod/core/types.hpp"
#include "synod/node/context.hpp"

namespace synod {

// What a channel layer (synod/channel) tells the protocol above it about a peer.
enum class PeerEvent : std::uint8_t {
  kRestarted,    // the peer lost its volatile state; messages in flight to it may be lost
  kUnreachable,  // retransmissions gave up; unacknowledged messages may be lost
  kWritable,     // Context::writable(peer) turned true again after back-pressure
};

class Protocol {
 public:
  virtual ~Protocol() = default;

  // Stable wire id and human name ("heartbeat"); ids must be unique on a node.
  virtual ProtocolId id() const = 0;
  virtual std::string_view name() const = 0;

  // First start of a node with empty volatile state. Durable storage may hold data from an
  // earlier life; on_start and on_recover differ only in what the protocol may assume.
  virtual void on_start(Context& ctx) = 0;
  // Start after a crash: volatile state is fresh, storage holds only what was synced before.
  virtual void on_recover(Context& ctx) { on_start(ctx); }
  // A payload from the same protocol on node `from`. Must tolerate garbage (decode errors are
  // counted and dropped, never fatal).
  virtual void on_message(Context& ctx, NodeId from, ByteView payload) = 0;
  virtual void on_timer(Context& ctx, std::uint64_t tag) = 0;
  // Only channel layers raise these; a protocol on the raw network never sees them.
  virtual void on_peer_event(Context& ctx, NodeId peer, PeerEvent event) {
    (void)ctx;
    (void)peer;
    (void)event;
  }

  // One-line JSON object describing the protocol's state, for `synod status`.
  virtual std::string status_json() const { return "{}"; }
};

}  // namespace synod
