// I/O helpers shared by the `synod ntp` subcommands: the host's wall clock as a synod::Time, NTP
// endpoints ("host", "host:port", "[v6]:port"; port 123 by default) and key files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <asio/ip/udp.hpp>

#include "synod/core/status.hpp"
#include "synod/core/time.hpp"
#include "synod/ntp/auth.hpp"

namespace synod::app::ntp_io {

inline constexpr std::uint16_t kNtpPort = 123;

// The host's real-time clock: the only clock the NTP driver reads, never sets.
Time wall_now();

// Resolves HOST[:PORT] (IPv4/IPv6 literal or a name) to one UDP endpoint.
Result<asio::ip::udp::endpoint> resolve(asio::io_context& io, std::string_view text);

// A duration with an optional sign ("-20ms", "+1.5s", "0s"), for --clock-offset.
Result<Duration> parse_signed_duration(std::string_view text);

// Reads and parses a chrony or ntpsec key file.
Result<ntp::KeyRing> load_keys(const std::string& path);

}  // namespace synod::app::ntp_io
