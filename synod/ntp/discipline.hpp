// Clock discipline: turns a stream of combined offsets into corrections of a SoftwareClock, in
// chrony's manner rather than ntpd's PLL/FLL: keep the recent offsets (against the virtual clock),
// fit a line through them (least squares), and correct at once by the fitted offset (slewed) and
// the fitted rate (frequency), then shift the stored offsets by the same correction so the next
// fit sees only what is left. The first `makestep_limit` updates may step (when |offset| >
// makestep_threshold), as chrony's `makestep` directive does; afterwards only slews.
//
// Offsets are "true minus ours" (positive: our clock is behind).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "synod/core/time.hpp"
#include "synod/timesync/software_clock.hpp"

namespace synod::ntp {

struct DisciplineOptions {
  Duration makestep_threshold = std::chrono::milliseconds(1);
  int makestep_limit = 3;
  std::size_t max_samples = 16;  // regression window
  std::size_t min_samples_for_rate = 3;
};

// What one update did, for the clock filters to shift their samples by.
struct Applied {
  Duration offset{0};  // removed from the virtual clock's error at `at`
  double rate = 0;     // fractional rate correction applied from `at` on
  Time at{};
  timesync::Correction correction = timesync::Correction::kNone;
};

class Discipline {
 public:
  explicit Discipline(timesync::SoftwareClock& clock, DisciplineOptions options = {})
      : clock_(clock), options_(options) {}

  // `offset` was measured against the virtual clock (see ClockFilter) at host time `sample_at`;
  // the correction is applied at `host` (>= sample_at).
  Applied update(Time host, Time sample_at, Duration offset);

  std::uint64_t updates() const { return updates_; }
  double frequency_ppm() const { return clock_.frequency_ppm(); }

 private:
  struct Point {
    Time at;
    double offset_ns;
  };
  void shift(const Applied& a);

  timesync::SoftwareClock& clock_;
  DisciplineOptions options_;
  std::vector<Point> points_;
  std::uint64_t updates_ = 0;
};

}  // namespace synod::ntp
