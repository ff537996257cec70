// A node's hardware clock in the simulator: piecewise linear in true time, with an offset, a rate
// error in ppm (which may change) and steps. It survives crashes, like a real RTC.
#pragma once

#include <cmath>
#include <cstdint>

#include "synod/core/time.hpp"

namespace synod::sim {

// True time 0 reads as 2026-01-01T00:00:00Z on a perfect clock, so wall-clock code sees sane dates.
inline constexpr std::int64_t kSimEpochNs = 1'767'225'600'000'000'000;

class ClockModel {
 public:
  Time read(std::int64_t true_ns) const {
    const double elapsed = static_cast<double>(true_ns - base_true_ns_);
    return {base_local_ns_ +
            static_cast<std::int64_t>(std::llround(elapsed * (1.0 + ppm_ * 1e-6)))};
  }
  void set_offset(Duration offset) { base_local_ns_ = kSimEpochNs + offset.count(); }
  void step(std::int64_t true_ns, Duration amount) {
    rebase(true_ns);
    base_local_ns_ += amount.count();
  }
  void set_drift(std::int64_t true_ns, double ppm) {
    rebase(true_ns);
    ppm_ = ppm;
  }
  // True time that elapses while this clock advances by `local`.
  std::int64_t true_span(Duration local) const {
    return static_cast<std::int64_t>(
        std::llround(static_cast<double>(local.count()) / (1.0 + ppm_ * 1e-6)));
  }
  double drift_ppm() const { return ppm_; }

 private:
  void rebase(std::int64_t true_ns) {
    base_local_ns_ = read(true_ns).ns;
    base_true_ns_ = true_ns;
  }
  std::int64_t base_true_ns_ = 0;
  std::int64_t base_local_ns_ = kSimEpochNs;
  double ppm_ = 0;
};

}  // namespace synod::sim
