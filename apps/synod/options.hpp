// Parsing helpers shared by subcommands.
#pragma once

#include <string>
#include <vector>

#include "synod/core/status.hpp"
#include "synod/node/registry.hpp"

namespace synod::app {

// "--set interval=50ms" pairs into an options map; errors name the bad pair.
Result<ProtocolOptions> parse_set_options(const std::vector<std::string>& pairs);

}  // namespace synod::app
