// A bounded sliding window of heartbeat inter-arrival times with running mean and standard
// deviation: the "sampling window" of the phi-accrual detector (Hayashibara et al. 2004, 3.2).
// Samples are kept in integer microseconds so the running sums are exact (no floating drift over
// millions of samples); the bounds below keep the sum of squares inside int64.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "synod/core/assert.hpp"
#include "synod/core/time.hpp"

namespace synod::detect {

// Limits (STYLE 11): kMaxWindow * kMaxSampleUs^2 = 1e4 * (3e7)^2 = 9e18 < INT64_MAX.
inline constexpr std::uint32_t kMinWindow = 2;
inline constexpr std::uint32_t kMaxWindow = 10'000;
inline constexpr std::int64_t kMaxSampleUs = 30'000'000;  // 30 s; longer gaps are clamped

class IntervalWindow {
 public:
  explicit IntervalWindow(std::uint32_t capacity) : samples_(capacity, 0) {
    SYNOD_ASSERT(capacity >= kMinWindow && capacity <= kMaxWindow);
  }

  void add(Duration interval) {
    const std::int64_t us = std::clamp<std::int64_t>(interval.count() / 1000, 0, kMaxSampleUs);
    if (size_ == samples_.size()) {  // evict the oldest
      const std::int64_t old = samples_[head_];
      sum_ -= old;
      sum_sq_ -= old * old;
    } else {
      ++size_;
    }
    samples_[head_] = us;
    head_ = (head_ + 1) % samples_.size();
    sum_ += us;
    sum_sq_ += us * us;
  }

  void clear() { size_ = head_ = 0, sum_ = sum_sq_ = 0; }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return samples_.size(); }

  // Mean and (population) standard deviation in nanoseconds; 0 when empty.
  double mean_ns() const { return size_ == 0 ? 0 : 1000.0 * sum_ / static_cast<double>(size_); }
  double std_dev_ns() const {
    if (size_ == 0) return 0;
    const double n = static_cast<double>(size_);
    const double mean_us = static_cast<double>(sum_) / n;
    const double var_us = static_cast<double>(sum_sq_) / n - mean_us * mean_us;
    return 1000.0 * std::sqrt(std::max(0.0, var_us));  // rounding can make var slightly negative
  }

 private:
  std::vector<std::int64_t> samples_;  // ring buffer, microseconds
  std::size_t size_ = 0;
  std::size_t head_ = 0;  // next slot to write
  std::int64_t sum_ = 0;
  std::int64_t sum_sq_ = 0;
};

}  // namespace synod::detect
