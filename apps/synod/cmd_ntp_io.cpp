#include "apps/synod/cmd_ntp_io.hpp"

#include <chrono>
#include <fstream>
#include <sstream>

#include <asio/ip/address.hpp>

#include "synod/node/registry.hpp"

namespace synod::app::ntp_io {

Time wall_now() {
  return Time{std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count()};
}

Result<asio::ip::udp::endpoint> resolve(asio::io_context& io, std::string_view text) {
  std::string host(text);
  std::string port = std::to_string(kNtpPort);
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return invalid_argument("bad address '" + host + "'");
    host = std::string(text.substr(1, close - 1));
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':')
        return invalid_argument("bad address '" + std::string(text) + "'");
      port = std::string(text.substr(close + 2));
    }
  } else if (const auto colon = text.rfind(':');
             colon != std::string_view::npos && text.find(':') == colon) {
    host = std::string(text.substr(0, colon));
    port = std::string(text.substr(colon + 1));
  }
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoul(port) == 0 ||
      std::stoul(port) > 65535) {
    return invalid_argument("bad port in '" + std::string(text) + "'");
  }
  asio::error_code ec;
  asio::ip::udp::resolver resolver(io);
  auto results = resolver.resolve(asio::ip::udp::v4(), host, port, ec);
  if (ec || results.empty()) results = resolver.resolve(host, port, ec);
  if (ec || results.empty()) {
    return unavailable("cannot resolve '" + host + "': " + ec.message());
  }
  return results.begin()->endpoint();
}

Result<Duration> parse_signed_duration(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  auto d = parse_duration(text);
  if (!d) return d.status();
  return negative ? -*d : *d;
}

Result<ntp::KeyRing> load_keys(const std::string& path) {
  std::ifstream in(path);
  if (!in) return not_found("cannot read key file '" + path + "'");
  std::stringstream text;
  text << in.rdbuf();
  auto ring = ntp::parse_key_file(text.str());
  if (!ring.is_ok()) return invalid_argument(path + ": " + ring.status().message());
  return ring;
}

}  // namespace synod::app::ntp_io
