// "host:port" endpoints. Hosts are IP literals ("127.0.0.1", "[::1]") or "localhost": resolving
// names would need a blocking resolver in the event loop, and clusters here are configured by
// address anyway.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "synod/core/status.hpp"

namespace synod::runtime {

struct Endpoint {
  std::string host;  // an IP literal, without brackets
  std::uint16_t port = 0;

  std::string to_string() const;  // "127.0.0.1:7001", "[::1]:7001"
  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

Result<Endpoint> parse_endpoint(std::string_view text);

}  // namespace synod::runtime
