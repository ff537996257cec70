#include "apps/synod/cmd_ntp_host.hpp"

#include <cstdio>

#include <asio/ip/multicast.hpp>
#include <asio/signal_set.hpp>

#include "apps/synod/cmd_ntp_io.hpp"
#include "synod/sim/sim_storage.hpp"

namespace synod::app {
namespace {

// Senders remembered beyond the configured endpoints (broadcast servers, passive peers).
constexpr std::size_t kMaxEndpoints = 256;

}  // namespace

NtpHost::NtpHost(asio::io_context& io, NtpHostOptions options, Protocol& protocol)
    : io_(io),
      options_(std::move(options)),
      protocol_(protocol),
      endpoints_(options_.known),
      rng_(static_cast<std::uint64_t>(ntp_io::wall_now().ns)),
      storage_(std::make_unique<sim::SimStorage>()) {
  for (std::size_t i = 0; i < endpoints_.size(); ++i) ids_.push_back(static_cast<NodeId>(i + 1));
  unicast_ = std::make_unique<Socket>(Socket{asio::ip::udp::socket(io_), {}, {}});
  if (options_.bind) {
    unicast_->socket.open(options_.bind->protocol());
    unicast_->socket.bind(*options_.bind);  // throws if taken: the caller reports it
  } else {
    unicast_->socket.open(asio::ip::udp::v4());
  }
  if (options_.listen) {
    group_ = std::make_unique<Socket>(Socket{asio::ip::udp::socket(io_), {}, {}});
    auto& s = group_->socket;
    s.open(options_.listen->protocol());
    s.set_option(asio::ip::udp::socket::reuse_address(true));
    // Bound to the group (or broadcast) address, not INADDR_ANY: only those datagrams arrive.
    s.bind(*options_.listen);
    if (options_.listen->address().is_multicast()) {
      s.set_option(
          asio::ip::multicast::join_group(options_.listen->address().to_v4(), options_.interface));
    }
  }
}

NtpHost::~NtpHost() = default;

std::unique_ptr<NtpHost> NtpHost::open(asio::io_context& io, NtpHostOptions options,
                                       Protocol& protocol, const char* who) {
  try {
    auto host = std::unique_ptr<NtpHost>(new NtpHost(io, std::move(options), protocol));
    host->start();
    return host;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: cannot open its sockets: %s\n", who, e.what());
    return nullptr;
  }
}

nlohmann::json NtpHost::run_for(asio::io_context& io, Duration duration,
                                const ntp::NtpProtocol& protocol) {
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code&, int) { io.stop(); });
  asio::steady_timer stop(io, duration);
  stop.async_wait([&](const asio::error_code&) { io.stop(); });
  io.run();
  nlohmann::json summary = nlohmann::json::parse(protocol.status_json());
  summary["offsets_s"] = offsets_s_;
  summary["peer_offsets_s"] = peer_offsets_s_;
  return summary;
}

void NtpHost::start() {
  protocol_.on_start(*this);
  receive(*unicast_);
  if (group_) receive(*group_);
}

Storage& NtpHost::storage() { return *storage_; }

Time NtpHost::now() const { return ntp_io::wall_now() + options_.clock_offset; }

std::optional<NodeId> NtpHost::id_of(const asio::ip::udp::endpoint& from) {
  for (std::size_t i = 0; i < endpoints_.size(); ++i) {
    if (endpoints_[i] == from) return ids_[i];
  }
  if (endpoints_.size() >= kMaxEndpoints) return std::nullopt;
  endpoints_.push_back(from);
  ids_.push_back(static_cast<NodeId>(endpoints_.size()));
  return ids_.back();
}

std::string NtpHost::name_of(NodeId id) const {
  if (id == 0 || id > endpoints_.size()) return "?";
  const auto& ep = endpoints_[id - 1];
  return ep.address().to_string() + ":" + std::to_string(ep.port());
}

void NtpHost::send(NodeId to, Bytes payload) {
  if (to == 0 || to > endpoints_.size()) return;
  asio::error_code ec;  // UDP: a failed send is a lost packet
  unicast_->socket.send_to(asio::buffer(payload), endpoints_[to - 1], 0, ec);
}

TimerId NtpHost::set_timer(Duration after, std::uint64_t tag) {
  const TimerId id = next_timer_++;
  auto timer = std::make_unique<asio::steady_timer>(io_, after);
  timer->async_wait([this, id, tag](const asio::error_code& ec) {
    if (ec || timers_.erase(id) == 0) return;
    protocol_.on_timer(*this, tag);
  });
  timers_[id] = std::move(timer);
  return id;
}

void NtpHost::receive(Socket& s) {
  s.socket.async_receive_from(asio::buffer(s.buffer), s.sender,
                              [this, &s](const asio::error_code& ec, std::size_t n) {
                                if (ec == asio::error::operation_aborted) return;
                                if (!ec) {
                                  if (auto id = id_of(s.sender)) {
                                    protocol_.on_message(*this, *id, ByteView(s.buffer.data(), n));
                                  }
                                }
                                receive(s);
                              });
}

void NtpHost::observe(std::string_view kind, ObsFields fields) {
  if (kind == "ntp_peer_sample") {
    const double offset_s = static_cast<double>(obs_get(fields, "offset_ns")) * 1e-9;
    const double delay_s = static_cast<double>(obs_get(fields, "delay_ns")) * 1e-9;
    const std::string peer = name_of(static_cast<NodeId>(obs_get(fields, "peer")));
    peer_offsets_s_.push_back(offset_s);
    if (options_.json) {
      std::printf(
          "{\"peer_sample\":%zu,\"peer\":\"%s\",\"offset_s\":%.9f,\"delay_s\":%.9f,"
          "\"stratum\":%lld}\n",
          peer_offsets_s_.size(), peer.c_str(), offset_s, delay_s,
          static_cast<long long>(obs_get(fields, "stratum")));
    } else {
      std::printf("peer %s: offset %+.6f s delay %.6f s stratum %lld\n", peer.c_str(), offset_s,
                  delay_s, static_cast<long long>(obs_get(fields, "stratum")));
    }
    std::fflush(stdout);
    return;
  }
  if (kind != "ntp_update") return;
  const double offset_s = static_cast<double>(obs_get(fields, "offset_ns")) * 1e-9;
  offsets_s_.push_back(offset_s);
  if (options_.json) {
    std::printf("{\"update\":%zu,\"offset_s\":%.9f,\"stratum\":%lld,\"freq_ppm\":%.3f}\n",
                offsets_s_.size(), offset_s, static_cast<long long>(obs_get(fields, "stratum")),
                static_cast<double>(obs_get(fields, "freq_ppb")) * 1e-3);
  } else {
    std::printf("update %zu: offset %+.6f s stratum %lld\n", offsets_s_.size(), offset_s,
                static_cast<long long>(obs_get(fields, "stratum")));
  }
  std::fflush(stdout);
}

}  // namespace synod::app
