#include "synod/timesync/software_clock.hpp"

#include <gtest/gtest.h>

namespace synod::timesync {
namespace {

constexpr Time kT0{1'767'225'600'000'000'000};

TEST(SoftwareClock, StartsAtTheHostClock) {
  const SoftwareClock c;
  EXPECT_EQ(c.read(kT0), kT0);
}

TEST(SoftwareClock, StepsAboveTheThreshold) {
  SoftwareClock c;
  EXPECT_EQ(c.correct(kT0, std::chrono::milliseconds(200)), Correction::kStep);
  EXPECT_EQ(c.read(kT0), kT0 + std::chrono::milliseconds(200));
  EXPECT_EQ(c.read(kT0 + 1s), kT0 + 1s + 200ms);
  EXPECT_EQ(c.steps(), 1U);
}

TEST(SoftwareClock, SlewsBelowTheThresholdAtTheBoundedRate) {
  SoftwareClock c;  // 500 ppm: 10 ms takes 20 s
  EXPECT_EQ(c.correct(kT0, std::chrono::milliseconds(10)), Correction::kSlew);
  EXPECT_EQ(c.read(kT0), kT0);
  EXPECT_EQ(c.read(kT0 + 10s) - (kT0 + 10s), std::chrono::milliseconds(5));
  EXPECT_EQ(c.read(kT0 + 20s) - (kT0 + 20s), std::chrono::milliseconds(10));
  EXPECT_EQ(c.read(kT0 + 60s) - (kT0 + 60s), std::chrono::milliseconds(10));
  EXPECT_EQ(c.pending_slew(kT0 + 60s), Duration(0));
}

TEST(SoftwareClock, NegativeSlewNeverRunsBackwards) {
  SoftwareClock c;
  c.correct(kT0, -std::chrono::milliseconds(100));
  Time prev = c.read(kT0);
  for (int i = 1; i <= 400; ++i) {
    const Time now = c.read(kT0 + std::chrono::milliseconds(i * 500));
    EXPECT_GT(now, prev);
    prev = now;
  }
  EXPECT_EQ(prev - (kT0 + 200s), -std::chrono::milliseconds(100));
}

TEST(SoftwareClock, NewSlewReplacesTheRemainder) {
  SoftwareClock c;
  c.correct(kT0, std::chrono::milliseconds(10));
  c.correct(kT0 + 10s, -std::chrono::milliseconds(5));  // 5 ms applied so far
  EXPECT_EQ(c.read(kT0 + 10s) - (kT0 + 10s), std::chrono::milliseconds(5));
  EXPECT_EQ(c.read(kT0 + 100s) - (kT0 + 100s), Duration(0));
}

TEST(SoftwareClock, FrequencyCorrectionIsContinuousAndClamped) {
  SoftwareClock c;
  c.set_frequency(kT0, 100);
  EXPECT_EQ(c.read(kT0 + 10s) - (kT0 + 10s), std::chrono::milliseconds(1));
  c.set_frequency(kT0 + 10s, 10'000);
  EXPECT_DOUBLE_EQ(c.frequency_ppm(), 500);
  EXPECT_EQ(c.read(kT0 + 10s) - (kT0 + 10s), std::chrono::milliseconds(1));
  EXPECT_EQ(c.read(kT0 + 20s) - (kT0 + 20s), std::chrono::milliseconds(6));
}

TEST(SoftwareClock, CommittedTimeIncludesThePendingSlewAndRunsAtTheHostRate) {
  SoftwareClock c;
  c.correct(kT0, std::chrono::milliseconds(10));
  EXPECT_EQ(c.committed(kT0), kT0 + 10ms);
  EXPECT_EQ(c.committed(kT0 + 7s), kT0 + 7s + 10ms);  // mid-slew: reading + remainder
  EXPECT_EQ(c.committed(kT0 + 60s), c.read(kT0 + 60s));
}

// Found by the Berkeley swarm (seed 14156): an adjustment that exactly cancels the pending slew
// (correct(pending - pending) = correct(0)) must stop the slew, not leave it running.
TEST(SoftwareClock, ZeroCorrectionCancelsTheRemainingSlew) {
  SoftwareClock c;
  c.correct(kT0, std::chrono::milliseconds(2));  // 4 s at 500 ppm
  EXPECT_EQ(c.read(kT0 + 1s) - (kT0 + 1s), std::chrono::microseconds(500));
  EXPECT_EQ(c.correct(kT0 + 1s, Duration(0)), Correction::kNone);
  EXPECT_EQ(c.pending_slew(kT0 + 1s), Duration(0));
  EXPECT_EQ(c.read(kT0 + 10s) - (kT0 + 10s), std::chrono::microseconds(500));
}

}  // namespace
}  // namespace synod::timesync
