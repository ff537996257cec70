// Protocols by name, so that `synod node --protocols heartbeat` and `synod sim heartbeat` build the
// same objects. Options are the protocol's TOML table or --set key=value pairs, as strings.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "synod/core/status.hpp"
#include "synod/node/protocol.hpp"

namespace synod {

using ProtocolOptions = std::map<std::string, std::string>;

struct ProtocolSpec {
  std::string name;
  std::string summary;
  // Builds a fresh instance (called again after every simulated crash). Rejects bad options.
  std::function<Result<std::unique_ptr<Protocol>>(const ProtocolOptions&)> make;
};

// Option helpers that turn "250ms" / "3" into values with a clear error naming the key.
Result<Duration> option_duration(const ProtocolOptions& opts, const std::string& key,
                                 Duration fallback);
Result<std::int64_t> option_int(const ProtocolOptions& opts, const std::string& key,
                                std::int64_t fallback, std::int64_t min, std::int64_t max);

// Parses "250ms", "1.5s", "40us", "100ns", "2m"; a bare number means milliseconds.
Result<Duration> parse_duration(std::string_view text);

}  // namespace synod
