// The real-UDP Context that runs synod::ntp::NtpProtocol unchanged for `synod ntp sync` and
// `synod ntp peer`: one unicast socket (ephemeral, or bound for a peer that others poll), an
// optional socket joined to a multicast group (or bound to a broadcast address) for mode-5
// packets, Asio timers, and the host's wall clock plus a fixed offset (to run several "machines"
// with different clocks on one host). Known endpoints are nodes 1..N; any other sender gets the
// next free id (bounded), so broadcast servers and passive peers need no configuration.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include "synod/node/protocol.hpp"
#include "synod/ntp/ntp_protocol.hpp"
#include "synod/ntp/packet.hpp"

namespace synod::app {

// This process's node id: never one of the endpoints' ids.
inline constexpr NodeId kNtpSelf = 0x7FFF'FFFF;

struct NtpHostOptions {
  std::vector<asio::ip::udp::endpoint> known;     // node i + 1
  std::optional<asio::ip::udp::endpoint> bind;    // the unicast socket's address (else ephemeral)
  std::optional<asio::ip::udp::endpoint> listen;  // a multicast group or broadcast address:port
  asio::ip::address_v4 interface = asio::ip::address_v4::loopback();  // for the group
  Duration clock_offset{0};  // added to every host clock reading
  bool json = false;
};

class NtpHost final : public Context {
 public:
  // Opens the sockets and starts the protocol; nullptr (reported on stderr as `who`) if a socket
  // cannot be bound or the group joined.
  static std::unique_ptr<NtpHost> open(asio::io_context& io, NtpHostOptions options,
                                       Protocol& protocol, const char* who);
  ~NtpHost() override;

  // Runs until `duration` passes or SIGINT/SIGTERM; the protocol's status plus every update's
  // offset (offsets_s) and every peer measurement (peer_offsets_s).
  nlohmann::json run_for(asio::io_context& io, Duration duration, const ntp::NtpProtocol& protocol);

  NodeId self() const override { return kNtpSelf; }
  std::span<const NodeId> peers() const override { return ids_; }
  void send(NodeId to, Bytes payload) override;
  TimerId set_timer(Duration after, std::uint64_t tag) override;
  void cancel_timer(TimerId id) override { timers_.erase(id); }
  Time now() const override;
  Rng& rng() override { return rng_; }
  Storage& storage() override;
  void observe(std::string_view kind, ObsFields fields) override;
  void reply(CommandId, std::string) override {}
  void log(std::string_view) override {}

 private:
  NtpHost(asio::io_context& io, NtpHostOptions options, Protocol& protocol);
  void start();
  struct Socket {
    asio::ip::udp::socket socket;
    std::array<std::uint8_t, ntp::kMaxPacketBytes + 1> buffer{};
    asio::ip::udp::endpoint sender;
  };
  void receive(Socket& s);
  std::optional<NodeId> id_of(const asio::ip::udp::endpoint& from);
  std::string name_of(NodeId id) const;

  asio::io_context& io_;
  NtpHostOptions options_;
  Protocol& protocol_;
  std::unique_ptr<Socket> unicast_;
  std::unique_ptr<Socket> group_;
  std::vector<asio::ip::udp::endpoint> endpoints_;  // node i + 1
  std::vector<NodeId> ids_;
  Rng rng_;
  std::unique_ptr<Storage> storage_;
  std::map<TimerId, std::unique_ptr<asio::steady_timer>> timers_;
  TimerId next_timer_ = 1;
  std::vector<double> offsets_s_;
  std::vector<double> peer_offsets_s_;
};

}  // namespace synod::app
