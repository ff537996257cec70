#include "synod/timesync/software_clock.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace synod::timesync {

std::int64_t SoftwareClock::slew_done(std::int64_t elapsed_ns) const {
  if (slew_duration_ns_ <= 0 || elapsed_ns >= slew_duration_ns_) return slew_total_ns_;
  if (elapsed_ns <= 0) return 0;
  const double fraction = static_cast<double>(elapsed_ns) / static_cast<double>(slew_duration_ns_);
  return static_cast<std::int64_t>(std::llround(static_cast<double>(slew_total_ns_) * fraction));
}

Time SoftwareClock::read(Time host) const {
  if (!based_) return host;
  const std::int64_t elapsed = host.ns - base_host_.ns;
  const auto rated =
      static_cast<std::int64_t>(std::llround(static_cast<double>(elapsed) * frequency_ppm_ * 1e-6));
  return {base_local_.ns + elapsed + rated + slew_done(elapsed)};
}

void SoftwareClock::rebase(Time host) {
  if (!based_) {
    base_host_ = host;
    base_local_ = host;
    based_ = true;
    return;
  }
  const std::int64_t elapsed = host.ns - base_host_.ns;
  const std::int64_t applied = slew_done(elapsed);
  base_local_ = read(host);
  base_host_ = host;
  slew_total_ns_ -= applied;
  slew_duration_ns_ = std::max<std::int64_t>(0, slew_duration_ns_ - elapsed);
  if (slew_duration_ns_ == 0) slew_total_ns_ = 0;
}

Correction SoftwareClock::correct(Time host, Duration offset, bool force_step) {
  rebase(host);
  if (offset.count() == 0) {
    // The clock is right as it reads now: what remains of a slew must not carry on.
    slew_total_ns_ = 0;
    slew_duration_ns_ = 0;
    return Correction::kNone;
  }
  if (force_step || std::llabs(offset.count()) > discipline_.step_threshold.count()) {
    base_local_ = base_local_ + offset;
    slew_total_ns_ = 0;
    slew_duration_ns_ = 0;
    ++steps_;
    return Correction::kStep;
  }
  slew_total_ns_ = offset.count();
  const double rate = std::max(discipline_.max_slew_ppm, 1.0) * 1e-6;
  slew_duration_ns_ =
      static_cast<std::int64_t>(std::ceil(static_cast<double>(std::llabs(offset.count())) / rate));
  ++slews_;
  return Correction::kSlew;
}

void SoftwareClock::set_frequency(Time host, double ppm) {
  rebase(host);
  frequency_ppm_ = std::clamp(ppm, -discipline_.max_frequency_ppm, discipline_.max_frequency_ppm);
}

Duration SoftwareClock::pending_slew(Time host) const {
  if (!based_) return Duration(0);
  return Duration(slew_total_ns_ - slew_done(host.ns - base_host_.ns));
}

nlohmann::json SoftwareClock::status(Time host) const {
  return {{"offset_from_host_ns", (read(host) - host).count()},
          {"frequency_ppm", frequency_ppm_},
          {"pending_slew_ns", pending_slew(host).count()},
          {"steps", steps_},
          {"slews", slews_}};
}

std::string SoftwareClock::status_json(Time host) const { return status(host).dump(); }

}  // namespace synod::timesync
