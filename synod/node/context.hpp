// The only window a protocol has on the world. Everything a protocol does to its surroundings goes
// through here: the simulator and the Asio runtime each implement it, so protocol code is written
// once and cannot tell which driver runs it.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "synod/core/rng.hpp"
#include "synod/core/shared_bytes.hpp"
#include "synod/core/time.hpp"
#include "synod/core/types.hpp"
#include "synod/node/observation.hpp"
#include "synod/node/storage.hpp"

namespace synod {

class Context {
 public:
  virtual ~Context() = default;

  virtual NodeId self() const = 0;
  // Every other node of the cluster, ascending. Stable for the node's lifetime.
  virtual std::span<const NodeId> peers() const = 0;

  // Best-effort delivery of `payload` to the same protocol on node `to`: delivered intact or not
  // at all, possibly duplicated or reordered. Reliability is a protocol layer (see channel/).
  virtual void send(NodeId to, Bytes payload) = 0;
  // The same as send(to, message.flatten()), but a driver that can write pieces back to back
  // (the runtime's TCP transport) never copies them: a large SharedBytes piece travels without a
  // copy, and may stay shared with the sender (e.g. kept for retransmission).
  virtual void send_chain(NodeId to, ByteChain message) { send(to, message.flatten()); }
  // Back-pressure: false when a send to `to` would overflow a bounded buffer (a channel layer's
  // window). Sending anyway is allowed and the message is dropped and counted. The raw network
  // is always writable; its own queues drop silently (it is best-effort by contract).
  virtual bool writable(NodeId to) const {
    (void)to;
    return true;
  }

  // Fires on_timer(tag) once after `after` has elapsed on this node's clock. Ids are unique per
  // node; cancelling a fired or unknown id is a no-op.
  virtual TimerId set_timer(Duration after, std::uint64_t tag) = 0;
  virtual void cancel_timer(TimerId id) = 0;

  // This node's local physical clock; may be offset, drift and step relative to true time.
  virtual Time now() const = 0;

  // A random stream private to this protocol on this node, seeded by the driver.
  virtual Rng& rng() = 0;

  // This protocol's durable storage namespace.
  virtual Storage& storage() = 0;

  // Report a fact for checkers and traces (see observation.hpp).
  virtual void observe(std::string_view kind, ObsFields fields) = 0;
  // False when nobody records observations (a real node without a trace file): a protocol may
  // then skip computing costly fields of them (a hash of a 1 MiB result), never change what it
  // does. Always true in the simulator, where checkers read every observation.
  virtual bool observed() const { return true; }
  // Answers an operator command (see Protocol::on_command). Exactly once per id.
  virtual void reply(CommandId id, std::string json) = 0;

  // Free-form log line (debug aid; goes to the trace/log, never to checkers).
  virtual void log(std::string_view text) = 0;
};

}  // namespace synod
