#include "synod/election/election_options.hpp"

#include <string>

namespace synod::election {
namespace {

bool known_key(const std::string& key, std::initializer_list<const char*> extra) {
  if (key == "answer_timeout" || key == "coordinator_timeout" || key == "ring_timeout" ||
      key == "start_delay" || detect::is_failure_detector_option(key)) {
    return true;
  }
  for (const char* k : extra) {
    if (key == k) return true;
  }
  return false;
}

}  // namespace

Result<ElectionOptions> parse_election_options(const ProtocolOptions& opts,
                                               std::initializer_list<const char*> extra_keys) {
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
  return o;
}

}  // namespace synod::election
