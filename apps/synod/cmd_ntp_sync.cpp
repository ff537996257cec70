// synod ntp sync [SERVER...] [--broadcast-client GROUP:PORT] [--poll 1s] [--duration 10s]
//                 [--clock-offset D] [--json]
// Runs the NTP client protocol (synod::ntp::NtpProtocol: filter, selection, discipline) against
// real servers over UDP for a while, disciplining a software clock (never the host's), and prints
// each clock update and a summary. With --broadcast-client it also listens for mode-5 packets on
// a multicast group (or broadcast address) and, as ntpd's broadcast client, calibrates the delay
// with one client exchange to each broadcast server before trusting its broadcasts. The protocol
// runs unchanged over NtpHost (cmd_ntp_host.hpp).
#include <cstdio>

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <nlohmann/json.hpp>

#include "apps/synod/cmd_ntp.hpp"
#include "apps/synod/cmd_ntp_host.hpp"
#include "apps/synod/cmd_ntp_io.hpp"
#include "synod/node/registry.hpp"
#include "synod/ntp/ntp_protocol.hpp"

namespace synod::app {

int run_ntp_sync(const NtpSyncArgs& a) {
  auto duration = parse_duration(a.duration);
  if (!duration || duration->count() <= 0) {
    std::fprintf(stderr, "synod ntp sync: bad --duration '%s'\n", a.duration.c_str());
    return kExitUsage;
  }
  auto clock_offset = ntp_io::parse_signed_duration(a.clock_offset);
  if (!clock_offset) {
    std::fprintf(stderr, "synod ntp sync: bad --clock-offset '%s'\n", a.clock_offset.c_str());
    return kExitUsage;
  }
  if (a.servers.empty() && a.broadcast_client.empty()) {
    std::fprintf(stderr, "synod ntp sync: give servers, --broadcast-client, or both\n");
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
  NtpHostOptions host_options;
  host_options.known = servers;
  host_options.clock_offset = *clock_offset;
  host_options.json = a.json;
  if (!a.broadcast_client.empty()) {
    auto group = ntp_io::resolve(io, a.broadcast_client);
    if (!group) {
      std::fprintf(stderr, "synod ntp sync: %s\n", group.status().message().c_str());
      return kExitUsage;
    }
    host_options.listen = *group;
  }
  auto options =
      ntp::parse_ntp_options({{"reference", "0"},
                              {"servers", ids},
                              {"poll", a.poll},
                              {"broadcast_client", a.broadcast_client.empty() ? "0" : "1"}});
  if (!options) {
    std::fprintf(stderr, "synod ntp sync: %s\n", options.status().message().c_str());
    return kExitUsage;
  }
  ntp::NtpProtocol protocol(*options);
  auto host = NtpHost::open(io, std::move(host_options), protocol, "synod ntp sync");
  if (!host) return kExitFailed;
  const nlohmann::json summary = host->run_for(io, *duration, protocol);
  std::printf("%s\n", summary.dump().c_str());
  return protocol.synchronized() ? kExitOk : kExitFailed;
}

}  // namespace synod::app
