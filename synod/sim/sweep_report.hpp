// What a sweep tells its user: the JSON object `synod sim --json` prints, the replay line of a
// violating seed, and the note that the stabilisation phase was lengthened. Here (not in the CLI)
// so that tests check the same text users get.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "synod/node/registry.hpp"
#include "synod/sim/sweep.hpp"

namespace synod::sim {

// What was swept: the protocol's catalog name and the options it ran with (`algo` and `mutant`
// included: they are options like any other).
struct SweepLabel {
  std::string protocol;
  ProtocolOptions options;
};

// The command that reruns one violating seed exactly: protocol, options (--algo, --mutant,
// --set), nodes, the seed, --duration and the EFFECTIVE --stabilize (SweepResult::stabilize_ns)
// as exact durations, and the seed's faults. Values are shell-quoted where needed.
std::string replay_command(const SweepLabel& label, const SweepOptions& options,
                           const SweepResult& result, const SeedViolation& violation);

// "stabilize raised from 5s to 9s for <checker>", or "" when the requested phase was kept.
std::string stabilize_note(const SweepOptions& options, const SweepResult& result);

// The sweep as one JSON object: counts, every violation (seed, checker, message, event, time,
// faults, trace hash, replay line), the stabilisation phase (requested, effective, raised by).
nlohmann::json sweep_json(const SweepLabel& label, const SweepOptions& options,
                          const SweepResult& result);

// The trace hash as printed everywhere: 16 hex digits.
std::string hash_hex(std::uint64_t hash);

}  // namespace synod::sim
