#include "synod/ntp/clock_filter.hpp"

#include <cmath>

namespace synod::ntp {

void ClockFilter::add(const Sample& s) {
  samples_[next_] = s;
  next_ = (next_ + 1) % kStages;
  if (count_ < kStages) ++count_;
}

const Sample* ClockFilter::best() const {
  const Sample* best = nullptr;
  for (std::size_t i = 0; i < count_; ++i) {
    // Ties go to the newer sample.
    if (best == nullptr || samples_[i].delay < best->delay ||
        (samples_[i].delay == best->delay && samples_[i].at > best->at)) {
      best = &samples_[i];
    }
  }
  return best;
}

std::optional<Sample> ClockFilter::take_new() {
  const Sample* b = best();
  if (b == nullptr || b->at <= last_taken_) return std::nullopt;
  last_taken_ = b->at;
  return *b;
}

Duration ClockFilter::jitter() const {
  const Sample* b = best();
  if (b == nullptr || count_ < 2) return Duration(0);
  double sum = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    const double d = static_cast<double>((samples_[i].offset - b->offset).count());
    sum += d * d;
  }
  return Duration(static_cast<std::int64_t>(std::sqrt(sum / static_cast<double>(count_ - 1))));
}

void ClockFilter::shift(Time now, Duration offset, double rate) {
  for (std::size_t i = 0; i < count_; ++i) {
    const double drift = rate * static_cast<double>((samples_[i].at - now).count());
    samples_[i].offset -= offset + Duration(static_cast<std::int64_t>(std::llround(drift)));
  }
}

void ClockFilter::clear() {
  count_ = 0;
  next_ = 0;
}

}  // namespace synod::ntp
