// The horizontal axis of a space-time diagram. Time mode places events by true time (gaps and
// latencies keep their proportions); order mode gives every node event its own column, which
// separates events that crowd within a millisecond (a timer firing three sends at one instant).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "synod/check/event.hpp"

namespace synod::trace {

enum class Spacing : std::uint8_t { kTime, kOrder };

class TimeScale {
 public:
  // Maps [from_ns, to_ns] onto [left, left + width]. `events` are the selected ones, in order.
  TimeScale(Spacing spacing, std::span<const Event* const> events, std::int64_t from_ns,
            std::int64_t to_ns, double left, double width);

  double x_of_event(std::size_t index) const;  // index into the selected events
  double x_of_time(std::int64_t t_ns) const;   // order mode interpolates between events
  double left() const { return left_; }
  double right() const { return left_ + width_; }

  // Tick times (absolute ns) at a "nice" step (1, 2, 5 x 10^k ns after `origin_ns`), at least
  // `min_gap_px` apart.
  std::vector<std::int64_t> ticks(double min_gap_px, std::int64_t origin_ns) const;

 private:
  Spacing spacing_;
  std::int64_t from_ns_;
  std::int64_t to_ns_;
  double left_;
  double width_;
  std::vector<double> event_x_;
  std::vector<std::pair<std::int64_t, double>> anchors_;  // order mode: (time, x), ascending time
};

}  // namespace synod::trace
