// Catalog entries for the channels: the "stream" workload over each channel, by name, with
// option parsing. `synod sim reliable-stream` and `synod node --protocols besteffort-stream` use
// these. Options (all optional): interval, max_size (workload); window, max_buffered_bytes,
// max_payload, max_sack_ranges, rto_initial, rto_min, rto_max, give_up (reliable channel);
// max_payload (best-effort channel).
#pragma once

#include "synod/channel/best_effort_channel.hpp"
#include "synod/channel/reliable_channel.hpp"
#include "synod/channel/stream_workload.hpp"
#include "synod/check/catalog.hpp"
#include "synod/node/registry.hpp"

namespace synod::channel {

Result<ReliableOptions> parse_reliable_options(const ProtocolOptions& opts);
Result<BestEffortOptions> parse_best_effort_options(const ProtocolOptions& opts);
Result<StreamWorkloadOptions> parse_stream_options(const ProtocolOptions& opts);

ProtocolSpec reliable_stream_spec();
ProtocolSpec best_effort_stream_spec();

// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();

}  // namespace synod::channel
