// A fault plan: the network model, clock model and timed fault actions of one simulated run.
// Plans have a text form (the `--faults` grammar, docs/faults.md) and print back to exactly that
// form, so the mix a swarm seed drew can be pasted into `--faults` and replayed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synod/core/rng.hpp"
#include "synod/core/status.hpp"
#include "synod/core/time.hpp"
#include "synod/core/types.hpp"

namespace synod::sim {

struct Latency {
  enum class Shape : std::uint8_t { kFixed, kUniform, kPareto };
  Shape shape = Shape::kUniform;
  Duration lo = std::chrono::microseconds(500);
  Duration hi = std::chrono::milliseconds(2);  // cap for pareto; unused for fixed

  friend bool operator==(const Latency&, const Latency&) = default;
};

// Properties of a directed link. Probabilities in [0, 1].
struct LinkModel {
  Latency latency;
  double loss = 0;
  double duplicate = 0;
  double reorder = 0;               // chance of an extra delay of up to 4 x latency.hi
  double corrupt = 0;               // chance that one random bit of the payload flips
  std::uint64_t bandwidth_Bps = 0;  // 0 = unlimited

  friend bool operator==(const LinkModel&, const LinkModel&) = default;
};

struct LinkOverride {
  NodeId from = 0;
  NodeId to = 0;
  LinkModel model;
  friend bool operator==(const LinkOverride&, const LinkOverride&) = default;
};

struct ClockSetup {
  NodeId node = 0;
  Duration offset{0};
  double drift_ppm = 0;
  friend bool operator==(const ClockSetup&, const ClockSetup&) = default;
};

struct Action {
  enum class Kind : std::uint8_t {
    kCrash,
    kRestart,
    kPause,
    kResume,
    kPartition,
    kOneWay,
    kHeal,
    kClog,
    kStep,
    kDrift
  };
  Duration at{0};
  Kind kind = Kind::kHeal;
  NodeId node = 0;                          // crash/restart/pause/resume/clog/step/drift
  std::vector<std::vector<NodeId>> groups;  // partition: >= 2 groups; oneway: from, to
  Duration amount{0};                       // clog duration, clock step (signed)
  double ppm = 0;                           // drift

  friend bool operator==(const Action&, const Action&) = default;
};

struct FaultPlan {
  LinkModel network;
  std::vector<LinkOverride> links;
  std::vector<ClockSetup> clocks;
  std::vector<Action> actions;  // sorted by time (stable)

  friend bool operator==(const FaultPlan&, const FaultPlan&) = default;
};

// Parses the --faults grammar; errors name the offending item. Node ids are checked against
// [1, nodes]; a link from a node to itself is refused (it would never carry a message). "none" or
// "" is the healthy default network.
Result<FaultPlan> parse_fault_plan(std::string_view spec, std::uint32_t nodes);
// The canonical text form; parse_fault_plan(to_string(p)) == p.
std::string to_string(const FaultPlan& plan);

// The exact duration with the largest unit that divides it ("2s", "1500us", "1234567891ns"), so
// that parse_duration(exact_duration(d)) == d for every d (format_duration rounds to 6 digits:
// fine to read, wrong to replay).
std::string exact_duration(Duration d);

// Swarm testing: each seed draws its own mix of network faults, clock faults, crashes, pauses and
// partitions, all within [0, duration).
FaultPlan draw_swarm_plan(Rng& rng, std::uint32_t nodes, Duration duration);

}  // namespace synod::sim
