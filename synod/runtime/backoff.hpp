// Reconnect delays: exponential from `min` to `max`, with jitter so that peers that lost a node at
// the same moment do not all redial it in lockstep. Delay for attempt n is uniform in
// [d/2, d] where d = min(max, min * 2^n).
#pragma once

#include <algorithm>

#include "synod/core/rng.hpp"
#include "synod/core/time.hpp"

namespace synod::runtime {

class Backoff {
 public:
  Backoff(Duration min, Duration max) : min_(min), max_(std::max(min, max)) {}

  Duration next(Rng& rng) {
    Duration d = min_;
    for (unsigned i = 0; i < attempt_ && d < max_; ++i) d *= 2;
    d = std::min(d, max_);
    if (attempt_ < 64) ++attempt_;
    const std::int64_t half = d.count() / 2;
    return Duration(half + rng.between(0, d.count() - half));
  }
  void reset() { attempt_ = 0; }
  unsigned attempt() const { return attempt_; }

 private:
  Duration min_;
  Duration max_;
  unsigned attempt_ = 0;
};

}  // namespace synod::runtime
