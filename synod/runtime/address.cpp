#include "synod/runtime/address.hpp"

#include <charconv>

#include <asio/ip/address.hpp>

namespace synod::runtime {

std::string Endpoint::to_string() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Result<Endpoint> parse_endpoint(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return invalid_argument("bad address " + quoted + " (want host:port)");
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
      port == 0 || port > 65535) {
    return invalid_argument("bad port in address " + quoted + " (want 1..65535)");
  }
  Endpoint e;
  e.port = static_cast<std::uint16_t>(port);
  if (host == "localhost") {
    e.host = "127.0.0.1";
    return e;
  }
  std::error_code err;
  const auto addr = asio::ip::make_address(std::string(host), err);
  if (err) return invalid_argument("bad host in address " + quoted + " (want an IP literal)");
  e.host = addr.to_string();
  return e;
}

}  // namespace synod::runtime
