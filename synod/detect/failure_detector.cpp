#include "synod/detect/failure_detector.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "synod/detect/phi.hpp"

namespace synod::detect {
namespace {

double to_ns(Duration d) { return static_cast<double>(d.count()); }

}  // namespace

Status validate(const FailureDetectorOptions& o) {
  if (o.heartbeat_interval <= Duration::zero()) {
    return invalid_argument("failure detector: heartbeat interval must be positive");
  }
  if (!(o.phi_threshold > 0 && o.phi_threshold < kMaxPhi)) {
    return invalid_argument("failure detector: phi threshold must be in (0, 1000)");
  }
  if (o.window_size < kMinWindow || o.window_size > kMaxWindow) {
    return invalid_argument("failure detector: window size must be in [2, 10000]");
  }
  if (o.min_std_dev <= Duration::zero()) {
    return invalid_argument("failure detector: min std-dev must be positive");
  }
  if (o.acceptable_pause < Duration::zero() || o.bootstrap_timeout <= Duration::zero()) {
    return invalid_argument("failure detector: pause must be >= 0 and bootstrap timeout > 0");
  }
  return Status::ok();
}

bool is_failure_detector_option(const std::string& key) {
  return key == "fd_interval" || key == "fd_phi" || key == "fd_window" || key == "fd_min_std" ||
         key == "fd_pause" || key == "fd_bootstrap";
}

Result<FailureDetectorOptions> parse_failure_detector_options(const ProtocolOptions& opts) {
  FailureDetectorOptions o;
  auto interval = option_duration(opts, "fd_interval", o.heartbeat_interval);
  auto window = option_int(opts, "fd_window", o.window_size, kMinWindow, kMaxWindow);
  auto min_std = option_duration(opts, "fd_min_std", o.min_std_dev);
  auto pause = option_duration(opts, "fd_pause", o.acceptable_pause);
  auto bootstrap = option_duration(opts, "fd_bootstrap", o.bootstrap_timeout);
  for (const Status& s :
       {interval.status(), window.status(), min_std.status(), pause.status(), bootstrap.status()}) {
    if (!s.is_ok()) return s;
  }
  o.heartbeat_interval = *interval;
  o.window_size = static_cast<std::uint32_t>(*window);
  o.min_std_dev = *min_std;
  o.acceptable_pause = *pause;
  o.bootstrap_timeout = *bootstrap;
  if (auto it = opts.find("fd_phi"); it != opts.end()) {
    char* end = nullptr;
    o.phi_threshold = std::strtod(it->second.c_str(), &end);
    if (end == it->second.c_str() || *end != '\0') {
      return invalid_argument("fd_phi: not a number: '" + it->second + "'");
    }
  }
  if (Status s = validate(o); !s.is_ok()) return s;
  return o;
}

FailureDetector::FailureDetector(FailureDetectorOptions options) : options_(options) {
  SYNOD_ASSERT(validate(options_).is_ok());
}

void FailureDetector::start(Time now, std::span<const NodeId> peers) {
  peers_.clear();
  for (NodeId peer : peers) reset(peer, now);
}

void FailureDetector::reset(NodeId peer, Time now) {
  auto [it, inserted] = peers_.try_emplace(peer, options_.window_size);
  if (!inserted) it->second = PeerState(options_.window_size);
  it->second.watched_since = now;
}

// Before real samples exist, assume the sender's nominal rhythm: Akka seeds the window with
// mean = interval and std-dev = interval / 4 (two samples, interval +- interval/4).
void FailureDetector::seed_window(PeerState& p) const {
  const Duration quarter = options_.heartbeat_interval / 4;
  p.intervals.add(options_.heartbeat_interval - quarter);
  p.intervals.add(options_.heartbeat_interval + quarter);
}

void FailureDetector::record_heartbeat(NodeId peer, Time now) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  PeerState& p = it->second;
  if (!p.last_arrival) {
    seed_window(p);
  } else if (now < *p.last_arrival) {
    // The local clock stepped back: the interval is meaningless; restart the measurement here.
  } else if (phi_of(p, now) < options_.phi_threshold) {
    p.intervals.add(now - *p.last_arrival);
  }
  p.last_arrival = now;
}

double FailureDetector::phi_of(const PeerState& p, Time now) const {
  if (!p.last_arrival) {
    // Never heard from: no distribution yet. Silent until the bootstrap timeout, then certain.
    return now - p.watched_since >= options_.bootstrap_timeout ? kMaxPhi : 0.0;
  }
  const double elapsed = std::max(0.0, to_ns(now - *p.last_arrival));
  const double mean = p.intervals.mean_ns() + to_ns(options_.acceptable_pause);
  const double std_dev = std::max(p.intervals.std_dev_ns(), to_ns(options_.min_std_dev));
  return detect::phi_of(elapsed, mean, std_dev);
}

double FailureDetector::phi(NodeId peer, Time now) const {
  auto it = peers_.find(peer);
  return it == peers_.end() ? 0.0 : phi_of(it->second, now);
}

bool FailureDetector::suspected(NodeId peer) const {
  auto it = peers_.find(peer);
  return it != peers_.end() && it->second.suspected;
}

std::vector<Transition> FailureDetector::poll(Time now) {
  std::vector<Transition> changed;
  for (auto& [peer, p] : peers_) {
    const bool suspect = phi_of(p, now) >= options_.phi_threshold;
    if (suspect != p.suspected) {
      p.suspected = suspect;
      changed.push_back({peer, suspect});
    }
  }
  return changed;
}

std::vector<NodeId> FailureDetector::suspects() const {
  std::vector<NodeId> out;
  for (const auto& [peer, p] : peers_) {
    if (p.suspected) out.push_back(peer);
  }
  return out;
}

Duration FailureDetector::steady_state_timeout() const {
  const double mean = to_ns(options_.heartbeat_interval + options_.acceptable_pause);
  return Duration(static_cast<std::int64_t>(
      elapsed_for_phi(options_.phi_threshold, mean, to_ns(options_.min_std_dev))));
}

std::string FailureDetector::status_json(Time now) const {
  std::string out = "{";
  for (const auto& [peer, p] : peers_) {
    if (out.size() > 1) out += ',';
    char phi_text[32];
    std::snprintf(phi_text, sizeof phi_text, "%.2f", phi_of(p, now));
    out += "\"" + std::to_string(peer) + "\":{\"phi\":" + phi_text +
           ",\"suspected\":" + (p.suspected ? "true" : "false") +
           ",\"samples\":" + std::to_string(p.intervals.size()) + "}";
  }
  return out + "}";
}

}  // namespace synod::detect
