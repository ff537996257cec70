// UDP transport (config `transport = "udp"`): one datagram per message, each a single frame holding
// a Datagram envelope (sender id, cluster hash, protocol, payload). No connections, so no hello:
// every datagram is checked on its own and a bad one is counted and dropped (there is nothing to
// close). A message whose datagram would exceed limits.udp_max_datagram_bytes is dropped on the
// sending side ("oversize"). Sends are queued per node in one bounded queue because the kernel may
// refuse a datagram (EAGAIN) and the loop must not block.
#pragma once

#include <deque>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>

#include "synod/runtime/tcp_transport.hpp"

namespace synod::runtime {

class UdpTransport final : public Transport {
 public:
  UdpTransport(asio::io_context& io, TransportSetup setup);
  ~UdpTransport() override;

  Status start() override;
  using Transport::send;
  void send(NodeId to, ProtocolId protocol, Bytes head, ByteChain body) override;
  void stop() override;
  const TransportCounters& counters() const override { return counters_; }
  std::string status_json() const override;
  std::uint16_t local_port() const;

 private:
  struct Outgoing {
    asio::ip::udp::endpoint to;
    Bytes datagram;
  };
  void receive_next();
  void on_datagram(std::size_t n);
  void send_next();

  TransportSetup setup_;
  asio::ip::udp::socket socket_;
  std::map<NodeId, asio::ip::udp::endpoint> peers_;
  std::uint32_t cluster_hash_ = 0;
  Bytes buffer_;
  asio::ip::udp::endpoint sender_;
  std::deque<Outgoing> queue_;
  std::size_t queued_bytes_ = 0;
  bool sending_ = false;
  bool stopped_ = false;
  TransportCounters counters_;
  // Handlers hold a weak copy and return if the transport is gone (destroyed mid-loop in tests).
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace synod::runtime
