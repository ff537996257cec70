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
  // The same message when the driver can hand over the buffer it arrived in (a large frame read
  // by the runtime, a large simulated message): a protocol that keeps large parts of it (RPC
  // payloads) overrides this and aliases them instead of copying. Others need not care.
  virtual void on_shared_message(Context& ctx, NodeId from, const SharedBytes& payload) {
    on_message(ctx, from, payload.view());
  }
  virtual void on_timer(Context& ctx, std::uint64_t tag) = 0;
  // Only channel layers raise these; a protocol on the raw network never sees them.
  virtual void on_peer_event(Context& ctx, NodeId peer, PeerEvent event) {
    (void)ctx;
    (void)peer;
    (void)event;
  }

  // An operator's request, e.g. `synod lock acquire` or `synod snapshot`, routed from the control
  // socket (runtime) or a scheduled command (simulator). `verb` is one word, `args` free text
  // (by convention space-separated key=value). The protocol must answer exactly once with
  // ctx.reply(id, json_object), now or from a later input; a request it does not know gets an
  // object with an "error" member. A driver may drop a reply whose requester is gone.
  virtual void on_command(Context& ctx, CommandId id, std::string_view verb,
                          std::string_view args) {
    (void)verb;
    (void)args;
    ctx.reply(id, R"({"error":"this protocol takes no commands"})");
  }

  // One-line JSON object describing the protocol's state, for `synod status`.
  virtual std::string status_json() const { return "{}"; }
};

}  // namespace synod
