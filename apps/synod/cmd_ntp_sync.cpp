// synod ntp sync SERVER... [--poll 1s] [--duration 10s] [--json]
// Runs the NTP client protocol (synod::ntp::NtpProtocol: filter, selection, discipline) against
// real servers over UDP for a while, disciplining a software clock (never the host's), and prints
// each clock update and a summary. The protocol runs unchanged: this file is a small driver that
// implements Context over one UDP socket, Asio timers and the host's wall clock; server i is node
// i (1-based), this process is node kSelf.
#include <cstdio>
#include <map>
#include <memory>
#include <optional>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "apps/synod/cmd_ntp.hpp"
#include "apps/synod/cmd_ntp_io.hpp"
#include "synod/node/registry.hpp"
#include "synod/ntp/ntp_protocol.hpp"

namespace synod::app {
namespace {

constexpr NodeId kSelf = 0x7FFF'FFFF;

class MemoryStorage final : public Storage {
 public:
  Status put(std::string_view key, ByteView value) override {
    data_[std::string(key)] = Bytes(value.begin(), value.end());
    return Status::ok();
  }
  Status erase(std::string_view key) override {
    data_.erase(std::string(key));
    return Status::ok();
  }
  std::optional<Bytes> get(std::string_view key) const override {
    auto it = data_.find(std::string(key));
    if (it == data_.end()) return std::nullopt;
    return it->second;
  }
  Status sync() override { return Status::ok(); }

 private:
  std::map<std::string, Bytes> data_;
};

class UdpHost final : public Context {
 public:
  UdpHost(asio::io_context& io, std::vector<asio::ip::udp::endpoint> servers, Protocol& protocol,
          bool json)
      : io_(io),
        socket_(io),
        servers_(std::move(servers)),
        protocol_(protocol),
        rng_(static_cast<std::uint64_t>(ntp_io::wall_now().ns)),
        json_(json) {
    socket_.open(servers_.front().protocol());
    for (std::size_t i = 0; i < servers_.size(); ++i) ids_.push_back(static_cast<NodeId>(i + 1));
  }

  void start() {
    protocol_.on_start(*this);
    receive();
  }
  const std::vector<double>& offsets_s() const { return offsets_s_; }

  NodeId self() const override { return kSelf; }
  std::span<const NodeId> peers() const override { return ids_; }
  void send(NodeId to, Bytes payload) override {
    if (to == 0 || to > servers_.size()) return;
    asio::error_code ec;
    socket_.send_to(asio::buffer(payload), servers_[to - 1], 0, ec);
  }
  TimerId set_timer(Duration after, std::uint64_t tag) override {
    const TimerId id = next_timer_++;
    auto timer = std::make_unique<asio::steady_timer>(io_, after);
    timer->async_wait([this, id, tag](const asio::error_code& ec) {
      if (ec || timers_.erase(id) == 0) return;
      protocol_.on_timer(*this, tag);
    });
    timers_[id] = std::move(timer);
    return id;
  }
  void cancel_timer(TimerId id) override { timers_.erase(id); }
  Time now() const override { return ntp_io::wall_now(); }
  Rng& rng() override { return rng_; }
  Storage& storage() override { return storage_; }
  void observe(std::string_view kind, ObsFields fields) override {
    if (kind != "ntp_update") return;
    const double offset_s = static_cast<double>(obs_get(fields, "offset_ns")) * 1e-9;
    offsets_s_.push_back(offset_s);
    if (json_) {
      std::printf("{\"update\":%zu,\"offset_s\":%.9f,\"stratum\":%lld,\"freq_ppm\":%.3f}\n",
                  offsets_s_.size(), offset_s, static_cast<long long>(obs_get(fields, "stratum")),
                  static_cast<double>(obs_get(fields, "freq_ppb")) * 1e-3);
    } else {
      std::printf("update %zu: offset %+.6f s stratum %lld\n", offsets_s_.size(), offset_s,
                  static_cast<long long>(obs_get(fields, "stratum")));
    }
    std::fflush(stdout);
  }
  void reply(CommandId, std::string) override {}
  void log(std::string_view) override {}

 private:
  void receive() {
    socket_.async_receive_from(
        asio::buffer(buffer_), sender_, [this](const asio::error_code& ec, std::size_t n) {
          if (ec == asio::error::operation_aborted) return;
          if (!ec) {
            for (std::size_t i = 0; i < servers_.size(); ++i) {
              if (servers_[i] == sender_) {
                protocol_.on_message(*this, ids_[i], ByteView(buffer_.data(), n));
              }
            }
          }
          receive();
        });
  }

  asio::io_context& io_;
  asio::ip::udp::socket socket_;
  std::vector<asio::ip::udp::endpoint> servers_;
  std::vector<NodeId> ids_;
  Protocol& protocol_;
  Rng rng_;
  MemoryStorage storage_;
  std::map<TimerId, std::unique_ptr<asio::steady_timer>> timers_;
  TimerId next_timer_ = 1;
  std::array<std::uint8_t, ntp::kMaxPacketBytes + 1> buffer_{};
  asio::ip::udp::endpoint sender_;
  bool json_;
  std::vector<double> offsets_s_;
};

}  // namespace

int run_ntp_sync(const NtpSyncArgs& a) {
  auto duration = parse_duration(a.duration);
  if (!duration || duration->count() <= 0) {
    std::fprintf(stderr, "synod ntp sync: bad --duration '%s'\n", a.duration.c_str());
    return kExitUsage;
  }
  asio::io_context io;
  std::vector<asio::ip::udp::endpoint> servers;
  std::string ids;
  for (const auto& s : a.servers) {
    auto ep = ntp_io::resolve(io, s);
    if (!ep) {
      std::fprintf(stderr, "synod ntp sync: %s\n", ep.status().message().c_str());
      return kExitUsage;
    }
    servers.push_back(*ep);
    ids += (ids.empty() ? "" : ",") + std::to_string(servers.size());
  }
  auto options = ntp::parse_ntp_options({{"reference", "0"}, {"servers", ids}, {"poll", a.poll}});
  if (!options) {
    std::fprintf(stderr, "synod ntp sync: %s\n", options.status().message().c_str());
    return kExitUsage;
  }
  ntp::NtpProtocol protocol(*options);
  UdpHost host(io, servers, protocol, a.json);
  host.start();
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const asio::error_code&, int) { io.stop(); });
  asio::steady_timer stop(io, *duration);
  stop.async_wait([&](const asio::error_code&) { io.stop(); });
  io.run();
  nlohmann::json summary = nlohmann::json::parse(protocol.status_json());
  summary["offsets_s"] = host.offsets_s();
  std::printf("%s\n", summary.dump().c_str());
  return protocol.synchronized() ? kExitOk : kExitFailed;
}

}  // namespace synod::app
