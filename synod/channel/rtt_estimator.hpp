// Retransmission timeout from round-trip samples, as TCP does it (RFC 6298): a smoothed RTT and
// its mean deviation, RTO = SRTT + 4 * RTTVAR clamped to [min, max], doubled on every expiry
// (exponential backoff) until an acknowledgement brings a fresh sample. Samples come only from
// frames sent once (Karn's rule), since an ack for a retransmitted frame is ambiguous.
#pragma once

#include <algorithm>
#include <cstdint>

#include "synod/core/time.hpp"

namespace synod::channel {

class RttEstimator {
 public:
  RttEstimator(Duration initial, Duration min, Duration max)
      : rto_(initial), min_(min), max_(max) {}

  void sample(Duration rtt) {
    if (rtt.count() < 0) return;  // the local clock stepped back; the sample means nothing
    if (!have_sample_) {
      srtt_ = rtt;
      rttvar_ = rtt / 2;
      have_sample_ = true;
    } else {
      const Duration err = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
      rttvar_ = (3 * rttvar_ + err) / 4;
      srtt_ = (7 * srtt_ + rtt) / 8;
    }
    rto_ = std::clamp(srtt_ + std::max(Duration(std::chrono::milliseconds(1)), 4 * rttvar_), min_,
                      max_);
  }

  // Called when the timer expires without progress; the next timeout is twice as long.
  void back_off() { backoff_ = std::min<std::uint32_t>(backoff_ + 1, kMaxShift); }
  void progress() { backoff_ = 0; }

  // The timeout to arm now, backoff included.
  Duration current() const {
    Duration d = rto_;
    for (std::uint32_t i = 0; i < backoff_ && d < max_; ++i) d *= 2;
    return std::min(d, max_);
  }
  Duration srtt() const { return srtt_; }
  bool have_sample() const { return have_sample_; }

 private:
  static constexpr std::uint32_t kMaxShift = 16;

  Duration rto_;
  Duration min_;
  Duration max_;
  Duration srtt_{0};
  Duration rttvar_{0};
  bool have_sample_ = false;
  std::uint32_t backoff_ = 0;
};

}  // namespace synod::channel
