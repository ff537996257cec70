// A disciplined software clock over a host clock (the node's Context::now(): the real host clock
// in the runtime, the drifting simulated clock in the simulator). Time-sync protocols correct it;
// the machine's clock is never touched.
//
// reading(host) = base_local + (host - base_host) * (1 + frequency) + slew progress
//
// Two ways to correct an offset, as chrony and ntpd do:
//  - step: jump by the offset at once (when |offset| > step_threshold, or forced);
//  - slew: add the offset gradually at a bounded extra rate (max_slew_ppm), so readings stay
//    monotone and never jump, and the correction completes after |offset| / max_slew_ppm.
// The frequency (rate) correction compensates for a host clock that runs fast or slow; it is
// bounded by max_frequency_ppm. All arithmetic is integer nanoseconds plus one double rate, and a
// pure function of the host readings handed in, so the simulator replays it exactly.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "synod/core/time.hpp"

namespace synod::timesync {

struct ClockDiscipline {
  Duration step_threshold = std::chrono::milliseconds(128);  // ntpd's and chrony's makestep default
  double max_slew_ppm = 500;                                 // ntpd's slew limit
  double max_frequency_ppm = 500;
};

enum class Correction : std::uint8_t { kNone, kSlew, kStep };

class SoftwareClock {
 public:
  explicit SoftwareClock(ClockDiscipline discipline = {}) : discipline_(discipline) {}

  // The disciplined time at host reading `host` (host readings must not go backwards).
  Time read(Time host) const;

  // Corrects the clock by `offset` (the estimated true time minus read(host): positive means this
  // clock is behind). Steps when |offset| exceeds the step threshold or `force_step`, else slews;
  // a new slew replaces what remains of the previous one.
  Correction correct(Time host, Duration offset, bool force_step = false);

  // Sets the rate correction (ppm, positive = run faster), clamped to +-max_frequency_ppm, from
  // `host` on. Readings stay continuous.
  void set_frequency(Time host, double ppm);
  double frequency_ppm() const { return frequency_ppm_; }

  // What remains of the current slew at `host` (0 when none).
  Duration pending_slew(Time host) const;
  // Where the clock is headed: the reading plus what remains of the slew. It advances at the
  // host rate (times the frequency correction), without the slew's extra rate, so time-sync
  // protocols report and correct it: a slew in progress then skews no estimate.
  Time committed(Time host) const { return read(host) + pending_slew(host); }
  std::uint64_t steps() const { return steps_; }
  std::uint64_t slews() const { return slews_; }
  const ClockDiscipline& discipline() const { return discipline_; }

  // {"offset_from_host_ns":..,"frequency_ppm":..,"pending_slew_ns":..,"steps":..,"slews":..}
  nlohmann::json status(Time host) const;
  std::string status_json(Time host) const;

 private:
  // Folds elapsed time into the base so later changes apply from `host` on.
  void rebase(Time host);
  std::int64_t slew_done(std::int64_t elapsed_ns) const;

  ClockDiscipline discipline_;
  Time base_host_{};
  Time base_local_{};
  bool based_ = false;
  double frequency_ppm_ = 0;
  std::int64_t slew_total_ns_ = 0;     // signed correction still to apply from base_host_
  std::int64_t slew_duration_ns_ = 0;  // host time over which it is applied
  std::uint64_t steps_ = 0;
  std::uint64_t slews_ = 0;
};

}  // namespace synod::timesync
