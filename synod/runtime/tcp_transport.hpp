// TCP transport. Each node listens; to reach peer P it dials its own outbound connection to P and
// writes a Hello (its id, the cluster name) followed by Data frames. Inbound connections are
// read-only: a node receives from P on the connection P dialled. Two one-way connections per pair
// keep each side's state machine trivial (no simultaneous-open tie-breaking).
//
// Failure behaviour (see docs/runtime.md):
//  - Dial failures back off exponentially with jitter (limits.backoff_min..backoff_max); queued
//    messages for an unreachable peer are dropped and counted ("unreachable").
//  - A per-peer queue bounds memory (limits.send_queue_messages/bytes); overflow drops the new
//    message ("queue_full").
//  - An inbound connection is closed, with a logged reason, on a framing or envelope error, a wrong
//    cluster or an unknown sender, a frame (or the hello) not completed within
//    limits.frame_timeout, or no bytes for limits.idle_timeout. Nothing a peer does can block the
//    loop.
#pragma once

#include <map>
#include <memory>
#include <set>

#include <spdlog/logger.h>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

#include "synod/core/rng.hpp"
#include "synod/runtime/config.hpp"
#include "synod/runtime/transport.hpp"

namespace synod::runtime {

struct TransportSetup {
  NodeId self = kNoNode;
  std::string cluster;
  Endpoint listen;
  std::map<NodeId, Endpoint> peers;
  Limits limits;
  DeliverFn deliver;
  DropFn drop;
  std::shared_ptr<spdlog::logger> log;
  std::uint64_t seed = 0;  // reconnect jitter
};

class TcpTransport final : public Transport {
 public:
  TcpTransport(asio::io_context& io, TransportSetup setup);
  ~TcpTransport() override;

  Status start() override;
  using Transport::send;
  void send(NodeId to, ProtocolId protocol, Bytes head, ByteChain body) override;
  void stop() override;
  const TransportCounters& counters() const override { return counters_; }
  std::string status_json() const override;

  // The bound port (useful when listening on an ephemeral port in tests).
  std::uint16_t local_port() const;

 private:
  class Outbound;
  class Inbound;
  void accept_next();
  void remove_inbound(const Inbound* conn);

  asio::io_context& io_;
  TransportSetup setup_;
  asio::ip::tcp::acceptor acceptor_;
  std::map<NodeId, std::shared_ptr<Outbound>> outbound_;
  std::set<std::shared_ptr<Inbound>> inbound_;
  TransportCounters counters_;
  Rng rng_;
  bool stopped_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // see accept_next()
};

}  // namespace synod::runtime
