// Internal: one outstanding client call in the endpoint's pending-call table.
#pragma once

#include <cstdint>
#include <vector>

#include "synod/rpc/endpoint.hpp"

namespace synod::rpc {

struct Endpoint::ClientCall {
  CallId id = 0;
  RawCall call;
  RawDone done;
  CallInfo info;
  Time deadline;
  std::uint64_t seq = 0;  // current request id's seq; earlier ones stay in `seqs`
  std::vector<std::uint64_t> seqs;
  std::uint64_t epoch_tag = 0;  // server life the current seq is addressed to (0 = unknown)
  std::uint32_t attempts = 0;   // transmissions so far (all seqs)
  std::uint32_t handshakes = 0;
  TimerId deadline_timer = 0;
  TimerId attempt_timer = 0;
};

inline std::int64_t obs_u64(std::uint64_t v) { return static_cast<std::int64_t>(v); }

}  // namespace synod::rpc
