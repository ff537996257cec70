// The runtime's network: moves (protocol, payload) between nodes, best-effort, as the Context's
// send() contract allows. Implementations never block the event loop; every queue is bounded and
// every drop is counted (and reported to the runtime for the trace).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "synod/core/shared_bytes.hpp"
#include "synod/core/status.hpp"
#include "synod/core/types.hpp"

namespace synod::runtime {

struct TransportCounters {
  std::uint64_t messages_sent = 0;      // handed to the kernel completely
  std::uint64_t messages_received = 0;  // delivered to the node
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t queue_drops = 0;         // per-peer send queue full
  std::uint64_t oversize_drops = 0;      // larger than the frame/datagram limit
  std::uint64_t unknown_peer_drops = 0;  // send to an id that is not a configured peer
  std::uint64_t disconnect_drops = 0;    // in flight when a connection broke
  std::uint64_t decode_errors = 0;       // bad frame or envelope received
  std::uint64_t rejected_peers = 0;      // wrong cluster, unknown sender, too many connections
  std::uint64_t timeouts = 0;            // stalled frame, idle connection, slow connect
  std::uint64_t connects = 0;            // outbound connections established
  std::uint64_t connect_failures = 0;
  std::uint64_t accepted = 0;  // inbound connections accepted
};

// Called for every received message from a known peer.
// `owner`, when set, keeps `payload` alive after the call (see Node::deliver); else the bytes are
// valid only during the call.
using DeliverFn = std::function<void(NodeId from, ProtocolId protocol, ByteView payload,
                                     const std::shared_ptr<const void>& owner)>;
// Called for every message dropped on the sending side; `why` is a short constant string.
using DropFn =
    std::function<void(NodeId to, ProtocolId protocol, std::size_t bytes, std::string_view why)>;

class Transport {
 public:
  virtual ~Transport() = default;
  // Binds the listening socket; an error (address in use) is returned, not thrown.
  virtual Status start() = 0;
  // Sends `head` followed by the pieces of `body` as one message. A stream transport writes them
  // without joining them (scatter-gather), so a large body is never copied in user space.
  virtual void send(NodeId to, ProtocolId protocol, Bytes head, ByteChain body) = 0;
  void send(NodeId to, ProtocolId protocol, ByteView payload) {
    send(to, protocol, Bytes(payload.begin(), payload.end()), ByteChain{});
  }
  // Closes every socket and cancels every timer; later sends are dropped.
  virtual void stop() = 0;
  virtual const TransportCounters& counters() const = 0;
  // JSON object: counters and per-peer connection state.
  virtual std::string status_json() const = 0;
};

std::string counters_json(const TransportCounters& c);

}  // namespace synod::runtime
