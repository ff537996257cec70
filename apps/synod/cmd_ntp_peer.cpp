// synod ntp peer --port P --peer HOST:PORT [--peer ...] [--stratum S] [--poll 1s]
//                [--duration 10s] [--clock-offset D] [--json]
// RFC 5905 symmetric active mode over real UDP: this process listens on P and sends mode-1
// packets to each peer every poll, carrying the org/rec bookkeeping, so both sides measure
// offset and delay from every packet that echoes their last transmit (no request/reply). It
// prints each measurement (the peer's offset from us) and each clock update; a peer given
// --stratum is a local reference, the others synchronize to the best peer by stratum.
#include <cstdio>

#include <asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "apps/synod/cmd_ntp.hpp"
#include "apps/synod/cmd_ntp_host.hpp"
#include "apps/synod/cmd_ntp_io.hpp"
#include "synod/ntp/ntp_protocol.hpp"

namespace synod::app {

int run_ntp_peer(const NtpPeerArgs& a) {
  auto duration = parse_duration(a.duration);
  auto clock_offset = ntp_io::parse_signed_duration(a.clock_offset);
  if (!duration || duration->count() <= 0 || !clock_offset) {
    std::fprintf(stderr, "synod ntp peer: bad --duration or --clock-offset\n");
    return kExitUsage;
  }
  asio::io_context io;
  asio::error_code ec;
  const auto address = asio::ip::make_address(a.bind, ec);
  if (ec) {
    std::fprintf(stderr, "synod ntp peer: bad --bind '%s'\n", a.bind.c_str());
    return kExitUsage;
  }
  NtpHostOptions host_options;
  host_options.bind = asio::ip::udp::endpoint(address, static_cast<std::uint16_t>(a.port));
  host_options.clock_offset = *clock_offset;
  host_options.json = a.json;
  std::string ids;
  for (const auto& p : a.peers) {
    auto ep = ntp_io::resolve(io, p);
    if (!ep) {
      std::fprintf(stderr, "synod ntp peer: %s\n", ep.status().message().c_str());
      return kExitUsage;
    }
    host_options.known.push_back(*ep);
    ids += (ids.empty() ? "" : ",") + std::to_string(host_options.known.size());
  }
  auto options = ntp::parse_ntp_options(
      {{"reference", "0"}, {"servers", ""}, {"peers", ids}, {"poll", a.poll}});
  if (!options) {
    std::fprintf(stderr, "synod ntp peer: %s\n", options.status().message().c_str());
    return kExitUsage;
  }
  if (a.stratum > 0) {
    options->references = {kNtpSelf};
    options->local_stratum = a.stratum;
  }
  ntp::NtpProtocol protocol(*options);
  auto host = NtpHost::open(io, std::move(host_options), protocol, "synod ntp peer");
  if (!host) return kExitFailed;
  const nlohmann::json summary = host->run_for(io, *duration, protocol);
  std::printf("%s\n", summary.dump().c_str());
  return summary["peer_offsets_s"].empty() ? kExitFailed : kExitOk;
}

}  // namespace synod::app
