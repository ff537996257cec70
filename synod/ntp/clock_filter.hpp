// The clock filter (RFC 5905 section 10): the last 8 samples from one server; the one with the
// lowest delay is the best estimate (queueing only ever adds delay, and the offset error is at
// most half the delay). A best sample is handed on only once and only if newer than the last one
// handed on, so a stale sample never drives the clock twice.
//
// Offsets are stored against the *virtual* clock (the software clock with every pending slew
// completed) and shifted when the discipline corrects it, as chrony shifts its sample history,
// so old samples stay comparable with new ones.
#pragma once

#include <array>
#include <cstddef>
#include <optional>

#include "synod/core/time.hpp"
#include "synod/ntp/exchange.hpp"

namespace synod::ntp {

class ClockFilter {
 public:
  static constexpr std::size_t kStages = 8;

  void add(const Sample& s);
  // The lowest-delay sample, if it is newer than the last one taken.
  std::optional<Sample> take_new();
  const Sample* best() const;
  // RMS of the stored offsets around the best one (RFC 5905's peer jitter).
  Duration jitter() const;
  // The clock was corrected by `offset` at `now` and its rate by `rate` (fraction, not ppm):
  // stored offsets become offset_i - (offset + rate * (at_i - now)).
  void shift(Time now, Duration offset, double rate);
  void clear();
  std::size_t size() const { return count_; }

 private:
  std::array<Sample, kStages> samples_{};
  std::size_t next_ = 0;
  std::size_t count_ = 0;
  Time last_taken_{};
};

}  // namespace synod::ntp
