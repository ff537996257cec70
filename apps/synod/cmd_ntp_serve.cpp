// synod ntp serve --port P [--bind ADDR] [--stratum S] [--keys FILE] [--require-auth]
//                 [--rate-limit D] [--duration D]
// A standalone NTP server on UDP, answering any RFC 5905 client (ntpdig, ntpdate, chronyd,
// ntplib) from this host's clock as a local reference of stratum S. The decisions are
// synod::ntp::Server's; this file only receives, timestamps and sends. T2 is read as soon as the
// datagram is handed to us and T3 just before it is sent, so the server's own processing time
// never counts as network delay. With --broadcast ADDR[:PORT] it also sends a mode-5 packet every
// --interval from the same socket (so broadcast clients calibrate against the address broadcasts
// come from): to a multicast group through --bind's interface with loopback delivery on (so
// listeners on this host hear it), or to a broadcast address with SO_BROADCAST.
#include <csignal>
#include <cstdio>
#include <memory>

#include <asio/io_context.hpp>
#include <asio/ip/multicast.hpp>
#include <asio/ip/udp.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>

#include "apps/synod/cmd_ntp.hpp"
#include "apps/synod/cmd_ntp_io.hpp"
#include "synod/core/hash.hpp"
#include "synod/core/types.hpp"
#include "synod/node/registry.hpp"
#include "synod/ntp/server.hpp"

namespace synod::app {
namespace {

class UdpServer {
 public:
  UdpServer(asio::io_context& io, asio::ip::udp::endpoint at, ntp::Server& server,
            ntp::ServerIdentity identity)
      : socket_(io, at), server_(server), identity_(identity) {}

  void start() { receive(); }
  void stop() {
    asio::error_code ec;
    timer_.reset();
    socket_.close(ec);
  }
  // Mode-5 packets to `to` every `interval` from now on.
  void broadcast(asio::ip::udp::endpoint to, Duration interval) {
    const auto from = socket_.local_endpoint().address();
    if (to.address().is_multicast() && from.is_v4()) {
      socket_.set_option(asio::ip::multicast::outbound_interface(from.to_v4()));
      socket_.set_option(asio::ip::multicast::enable_loopback(true));
      socket_.set_option(asio::ip::multicast::hops(1));  // RFC 5905 leaves scope to the admin
    } else {
      socket_.set_option(asio::socket_base::broadcast(true));
    }
    broadcast_to_ = to;
    interval_ = interval;
    timer_ = std::make_unique<asio::steady_timer>(socket_.get_executor());
    tick();
  }
  std::uint64_t broadcasts() const { return broadcasts_; }
  std::uint16_t port() const { return socket_.local_endpoint().port(); }

 private:
  void receive() {
    socket_.async_receive_from(asio::buffer(buffer_), sender_,
                               [this](const asio::error_code& ec, std::size_t n) {
                                 if (ec == asio::error::operation_aborted) return;
                                 if (!ec) on_datagram(n);
                                 receive();
                               });
  }

  void on_datagram(std::size_t n) {
    const Time rx = ntp_io::wall_now();
    identity_.reference_time = rx;  // the local reference is "read" at every request
    const std::string who = sender_.address().to_string();
    auto reply = server_.handle(ByteView(buffer_.data(), n), rx, hash64(as_bytes(who)), identity_);
    if (!reply) return;
    const Bytes out = ntp::Server::finish(*reply, ntp_io::wall_now());
    asio::error_code ec;
    socket_.send_to(asio::buffer(out), sender_, 0, ec);  // UDP: a failed send is a lost packet
  }

  void tick() {
    identity_.reference_time = ntp_io::wall_now();
    const auto poll = static_cast<std::int8_t>(
        std::ilogb(std::max(1.0, static_cast<double>(interval_.count()) * 1e-9)));
    ntp::Packet p = ntp::broadcast_packet(identity_, poll);
    p.transmit = ntp::to_timestamp(ntp_io::wall_now());
    const Bytes out = ntp::encode(p);
    asio::error_code ec;
    socket_.send_to(asio::buffer(out), broadcast_to_, 0, ec);
    if (!ec) ++broadcasts_;
    timer_->expires_after(interval_);
    timer_->async_wait([this](const asio::error_code& e) {
      if (!e && timer_) tick();
    });
  }

  asio::ip::udp::socket socket_;
  std::unique_ptr<asio::steady_timer> timer_;
  asio::ip::udp::endpoint broadcast_to_;
  Duration interval_{0};
  std::uint64_t broadcasts_ = 0;
  ntp::Server& server_;
  ntp::ServerIdentity identity_;
  std::array<std::uint8_t, ntp::kMaxPacketBytes + 1> buffer_{};
  asio::ip::udp::endpoint sender_;
};

}  // namespace

int run_ntp_serve(const NtpServeArgs& a) {
  if (a.stratum < 1 || a.stratum > 15) {
    std::fprintf(stderr, "synod ntp serve: --stratum must be 1..15\n");
    return kExitUsage;
  }
  auto rate = parse_duration(a.rate_limit);
  auto duration = parse_duration(a.duration);
  auto interval = parse_duration(a.interval);
  if (!rate || !duration || !interval || interval->count() < 1'000'000) {
    std::fprintf(stderr, "synod ntp serve: bad --rate-limit, --duration or --interval (>= 1ms)\n");
    return kExitUsage;
  }
  ntp::KeyRing keys;
  if (!a.keys.empty()) {
    auto loaded = ntp_io::load_keys(a.keys);
    if (!loaded) {
      std::fprintf(stderr, "synod ntp serve: %s\n", loaded.status().message().c_str());
      return kExitUsage;
    }
    keys = std::move(*loaded);
  }
  asio::io_context io;
  asio::error_code ec;
  const auto address = asio::ip::make_address(a.bind, ec);
  if (ec) {
    std::fprintf(stderr, "synod ntp serve: bad --bind '%s'\n", a.bind.c_str());
    return kExitUsage;
  }
  ntp::Server server(ntp::ServerPolicy{*rate, a.require_auth}, a.keys.empty() ? nullptr : &keys);
  std::unique_ptr<UdpServer> udp;
  try {
    udp =
        std::make_unique<UdpServer>(io, asio::ip::udp::endpoint(address, a.port), server,
                                    ntp::ServerIdentity::local_reference(
                                        static_cast<std::uint8_t>(a.stratum), ntp_io::wall_now()));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "synod ntp serve: cannot listen on %s:%d: %s\n", a.bind.c_str(), a.port,
                 e.what());
    return kExitFailed;
  }
  if (!a.broadcast.empty()) {
    auto to = ntp_io::resolve(io, a.broadcast);
    if (!to) {
      std::fprintf(stderr, "synod ntp serve: --broadcast: %s\n", to.status().message().c_str());
      return kExitUsage;
    }
    try {
      udp->broadcast(*to, *interval);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "synod ntp serve: cannot broadcast to %s: %s\n", a.broadcast.c_str(),
                   e.what());
      return kExitFailed;
    }
  }
  udp->start();
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code&, int) {
    udp->stop();
    io.stop();
  });
  asio::steady_timer stop_timer(io);
  if (duration->count() > 0) {
    stop_timer.expires_after(*duration);
    stop_timer.async_wait([&](const asio::error_code& e) {
      if (!e) io.stop();
    });
  }
  std::printf("synod ntp serve: listening on %s:%u stratum %d%s\n", a.bind.c_str(), udp->port(),
              a.stratum, a.keys.empty() ? "" : " (keys loaded)");
  std::fflush(stdout);
  io.run();
  const auto& c = server.counters();
  std::printf(
      "{\"requests\":%llu,\"replies\":%llu,\"malformed\":%llu,\"kiss_rate\":%llu,"
      "\"kiss_deny\":%llu,\"crypto_nak\":%llu,\"authenticated\":%llu,\"broadcasts\":%llu}\n",
      static_cast<unsigned long long>(c.requests), static_cast<unsigned long long>(c.replies),
      static_cast<unsigned long long>(c.malformed), static_cast<unsigned long long>(c.kiss_rate),
      static_cast<unsigned long long>(c.kiss_deny), static_cast<unsigned long long>(c.crypto_nak),
      static_cast<unsigned long long>(c.authenticated),
      static_cast<unsigned long long>(udp->broadcasts()));
  return kExitOk;
}

}  // namespace synod::app
