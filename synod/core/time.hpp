// Time as seen by protocols. Two kinds, never mixed:
//  - Duration: a span of time (timers, timeouts), nanoseconds.
//  - Time: a reading of a node's local physical clock, nanoseconds since the Unix epoch. It may be
//    offset, drift or step relative to true time; protocols must treat it as an estimate.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace synod {

using Duration = std::chrono::nanoseconds;

struct Time {
  std::int64_t ns = 0;  // since 1970-01-01T00:00:00Z, on this node's clock

  friend constexpr auto operator<=>(Time, Time) = default;
  friend constexpr Time operator+(Time t, Duration d) { return {t.ns + d.count()}; }
  friend constexpr Time operator-(Time t, Duration d) { return {t.ns - d.count()}; }
  friend constexpr Duration operator-(Time a, Time b) { return Duration(a.ns - b.ns); }
};

using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace): 10ms, 2s in code

// "1.5s", "250ms", "40us", "17ns": the unit that keeps the number short.
std::string format_duration(Duration d);

}  // namespace synod
