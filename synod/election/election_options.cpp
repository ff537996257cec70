#include "synod/election/election_options.hpp"

#include <optional>
#include <string>

namespace synod::election {
namespace {

bool known_key(const std::string& key, std::initializer_list<const char*> extra) {
  if (key == "answer_timeout" || key == "coordinator_timeout" || key == "ring_timeout" ||
      key == "start_delay" || key == kMutantOption || detect::is_failure_detector_option(key)) {
    return true;
  }
  for (const char* k : extra) {
    if (key == k) return true;
  }
  return false;
}

// Options under which an election cannot work, with the reason (nullopt: usable).
std::optional<std::string> unusable(const ElectionOptions& o) {
  const auto below_tick = [](Duration d) { return d < kElectionTick; };
  if (below_tick(o.answer_timeout)) {
    return "answer_timeout below the 1 ms timer tick: a candidate would declare before any "
           "ANSWER could arrive (every process declares itself)";
  }
  if (below_tick(o.coordinator_timeout)) {
    return "coordinator_timeout below the 1 ms timer tick: a candidate would restart its "
           "election before the COORDINATOR could arrive (a livelock)";
  }
  if (below_tick(o.ring_timeout)) {
    return "ring_timeout below the 1 ms timer tick: participants would restart before ELECTED "
           "could go round the ring (a livelock)";
  }
  if (below_tick(o.detector.heartbeat_interval)) {
    return "fd_interval below the 1 ms timer tick: heartbeats would flood the network";
  }
  if (o.detector.bootstrap_timeout <= o.detector.heartbeat_interval) {
    return "fd_bootstrap must exceed fd_interval: a starting peer would be suspected before its "
           "first heartbeat is due";
  }
  return std::nullopt;
}

}  // namespace

Result<ElectionOptions> parse_election_options(const ProtocolOptions& opts,
                                               std::initializer_list<const char*> extra_keys,
                                               MutantRules rules) {
  for (const auto& [key, value] : opts) {
    if (!known_key(key, extra_keys)) {
      return invalid_argument(
          "election: unknown option '" + key +
          "' (answer_timeout, coordinator_timeout, ring_timeout, start_delay, "
          "fd_interval, fd_phi, fd_window, fd_min_std, fd_pause, fd_bootstrap)");
    }
  }
  ElectionOptions o;
  auto detector = detect::parse_failure_detector_options(opts);
  if (!detector) return detector.status();
  o.detector = *detector;
  auto answer = option_duration(opts, "answer_timeout", o.answer_timeout);
  if (!answer) return answer.status();
  auto coordinator = option_duration(opts, "coordinator_timeout", o.coordinator_timeout);
  if (!coordinator) return coordinator.status();
  auto ring = option_duration(opts, "ring_timeout", o.ring_timeout);
  if (!ring) return ring.status();
  o.answer_timeout = *answer;
  o.coordinator_timeout = *coordinator;
  o.ring_timeout = *ring;
  if (auto it = opts.find("start_delay"); it != opts.end()) {
    auto d = parse_duration(it->second);
    if (!d || d->count() < 0) return invalid_argument("option start_delay: not a duration >= 0");
    o.start_delay = *d;
  }
  auto mutant = rules == MutantRules::kBully ? parse_mutant(opts, {"B1", "B2", "B3", "B4", "B5"})
                : rules == MutantRules::kRing
                    ? parse_mutant(opts, {"C1", "C2", "C3", "C4", "C5", "C6"})
                    : parse_mutant(opts, {});
  if (!mutant) return invalid_argument("election: " + mutant.status().message());
  o.mutant = *mutant;
  if (auto why = unusable(o)) return invalid_argument("election: " + *why);
  return o;
}

}  // namespace synod::election
