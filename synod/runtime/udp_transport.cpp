#include "synod/runtime/udp_transport.hpp"

#include <fmt/format.h>

#include "synod/runtime/envelope.hpp"
#include "synod/runtime/frame.hpp"

namespace synod::runtime {

using asio::ip::udp;

namespace {
// Largest datagram the receive buffer accepts (the IPv4 UDP maximum).
constexpr std::size_t kMaxReceiveBytes = 65535;
}  // namespace

UdpTransport::UdpTransport(asio::io_context& io, TransportSetup setup)
    : setup_(std::move(setup)),
      socket_(io),
      cluster_hash_(cluster_hash(setup_.cluster)),
      buffer_(kMaxReceiveBytes) {
  for (const auto& [id, ep] : setup_.peers) {
    peers_.emplace(id, udp::endpoint(asio::ip::make_address(ep.host), ep.port));
  }
}

UdpTransport::~UdpTransport() { stop(); }

Status UdpTransport::start() {
  std::error_code ec;
  const udp::endpoint ep(asio::ip::make_address(setup_.listen.host), setup_.listen.port);
  socket_.open(ep.protocol(), ec);
  if (!ec) socket_.bind(ep, ec);
  if (ec) return unavailable("cannot bind udp " + setup_.listen.to_string() + ": " + ec.message());
  receive_next();
  return Status::ok();
}

std::uint16_t UdpTransport::local_port() const {
  std::error_code ec;
  return socket_.local_endpoint(ec).port();
}

void UdpTransport::stop() {
  if (stopped_) return;
  stopped_ = true;
  std::error_code ignored;
  socket_.close(ignored);
  queue_.clear();
  queued_bytes_ = 0;
}

void UdpTransport::send(NodeId to, ProtocolId protocol, Bytes head, ByteChain body) {
  if (stopped_) return;
  // A datagram is one buffer; messages this small are cheap to join.
  for (const SharedBytes& piece : body.pieces())
    head.insert(head.end(), piece.begin(), piece.end());
  const ByteView payload(head);
  auto it = peers_.find(to);
  if (it == peers_.end()) {
    ++counters_.unknown_peer_drops;
    setup_.drop(to, protocol, payload.size(), "unknown_peer");
    return;
  }
  const std::size_t wire =
      frame_size(kDatagramHeaderBytes + payload.size(), setup_.limits.frame_checksum);
  if (wire > setup_.limits.udp_max_datagram_bytes || wire > setup_.limits.max_frame_bytes) {
    ++counters_.oversize_drops;
    setup_.drop(to, protocol, payload.size(), "oversize");
    return;
  }
  if (queue_.size() >= setup_.limits.send_queue_messages ||
      queued_bytes_ + wire > setup_.limits.send_queue_bytes) {
    ++counters_.queue_drops;
    setup_.drop(to, protocol, payload.size(), "queue_full");
    return;
  }
  FrameOptions fo{setup_.limits.max_frame_bytes, setup_.limits.frame_checksum};
  queue_.push_back(
      {it->second,
       encode_frame(encode_datagram(setup_.self, cluster_hash_, protocol, payload), fo)});
  queued_bytes_ += wire;
  send_next();
}

void UdpTransport::send_next() {
  if (sending_ || queue_.empty() || stopped_) return;
  sending_ = true;
  // The deque keeps the front element in place while others are pushed.
  socket_.async_send_to(
      asio::buffer(queue_.front().datagram), queue_.front().to,
      [this, alive = std::weak_ptr<int>(alive_)](std::error_code ec, std::size_t n) {
        if (alive.expired() || ec == asio::error::operation_aborted || stopped_) {
          return;
        }
        sending_ = false;
        if (ec) {
          // e.g. ECONNREFUSED from an earlier ICMP: the datagram is lost.
          ++counters_.disconnect_drops;
          setup_.log->debug("udp send failed: {}", ec.message());
        } else {
          ++counters_.messages_sent;
          counters_.bytes_sent += n;
        }
        queued_bytes_ -= queue_.front().datagram.size();
        queue_.pop_front();
        send_next();
      });
}

void UdpTransport::receive_next() {
  socket_.async_receive_from(
      asio::buffer(buffer_), sender_,
      [this, alive = std::weak_ptr<int>(alive_)](std::error_code ec, std::size_t n) {
        if (alive.expired() || stopped_ || ec == asio::error::operation_aborted) return;
        if (!ec) {
          counters_.bytes_received += n;
          on_datagram(n);
        }
        // Errors on a UDP socket (ICMP port unreachable from an earlier send) are per datagram.
        receive_next();
      });
}

void UdpTransport::on_datagram(std::size_t n) {
  auto frame = decode_single_frame(ByteView(buffer_.data(), n), setup_.limits.max_frame_bytes);
  Result<Envelope> env = frame ? decode_envelope(*frame) : Result<Envelope>(frame.status());
  const auto* dg = env ? std::get_if<Datagram>(&*env) : nullptr;
  if (dg == nullptr) {
    ++counters_.decode_errors;
    setup_.log->debug("dropping bad datagram from {}: {}", sender_.address().to_string(),
                      env ? "not a datagram envelope" : env.status().message());
    return;
  }
  if (dg->cluster_hash != cluster_hash_ || peers_.count(dg->sender) == 0) {
    ++counters_.rejected_peers;
    setup_.log->debug("dropping datagram from {} (node {}): wrong cluster or unknown node",
                      sender_.address().to_string(), dg->sender);
    return;
  }
  ++counters_.messages_received;
  setup_.deliver(dg->sender, dg->protocol, dg->payload, nullptr);
}

std::string UdpTransport::status_json() const {
  return fmt::format(
      R"({{"transport":"udp","listen":"{}","queued":{},"queued_bytes":{},"counters":{}}})",
      setup_.listen.to_string(), queue_.size(), queued_bytes_, counters_json(counters_));
}

}  // namespace synod::runtime
