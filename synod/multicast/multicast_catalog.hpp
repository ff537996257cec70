// "bmulticast" for `synod sim` / `synod node`: B-multicast with its random workload, over the
// best-effort checksummed channel. Options: interval, max_size, window, mutant (test-only).
#pragma once

#include "synod/check/catalog.hpp"
#include "synod/multicast/b_multicast.hpp"

namespace synod::multicast {

Result<BMulticastOptions> parse_bmulticast_options(const ProtocolOptions& opts);
ProtocolSpec bmulticast_spec();

// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();

}  // namespace synod::multicast
