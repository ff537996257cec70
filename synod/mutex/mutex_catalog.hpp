// Catalog entries: "mutex" (`--set algo=central|ricart-agrawala|suzuki-kasami|token-ring`) and one
// entry per algorithm ("mutex-central", ...). Each builds a LockService with the random workload,
// deployed over the reliable FIFO channel (the algorithms assume reliable FIFO links and use the
// channel's restart events). Options (all `--set key=value`): algo, tick, heartbeat_ticks,
// suspect_after, token_timeout, retry, think, hold_min, hold_max, active, workload (1/0).
#pragma once

#include <vector>

#include "synod/check/catalog.hpp"
#include "synod/mutex/lock_service.hpp"
#include "synod/mutex/mutex_workload.hpp"
#include "synod/node/registry.hpp"

namespace synod::mutex {

struct MutexConfig {
  LockOptions lock;
  WorkloadOptions workload;
  bool run_workload = true;
};

Result<Algorithm> parse_algorithm(std::string_view name);
Result<MutexConfig> parse_mutex_options(const ProtocolOptions& opts);

// The deployed stack: ReliableChannel(LockService(algorithm, workload)).
std::unique_ptr<Protocol> make_mutex_protocol(const MutexConfig& config);

ProtocolSpec mutex_spec();                          // "mutex"
ProtocolSpec algorithm_spec(Algorithm a);           // "mutex-central", ...
std::vector<ProtocolSpec> mutex_algorithm_specs();  // all four

// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();

}  // namespace synod::mutex
