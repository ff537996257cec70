// Selection (RFC 5905 section 11.2.1) and the clock filter (section 10), on hand-made samples.
#include <gtest/gtest.h>

#include "synod/ntp/clock_filter.hpp"
#include "synod/ntp/discipline.hpp"
#include "synod/ntp/selection.hpp"

namespace synod::ntp {
namespace {

using namespace std::chrono_literals;

TEST(Selection, RejectsTheFalsetickerAndCombines) {
  auto s = select({{1, 100us, 1ms, 1}, {2, -100us, 1ms, 1}, {3, 0us, 1ms, 2}, {4, 50ms, 1ms, 1}});
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->falsetickers, std::vector<NodeId>{4});
  EXPECT_EQ(s->truechimers, (std::vector<NodeId>{1, 2, 3}));
  EXPECT_EQ(s->offset, 0us);  // equal weights
  EXPECT_EQ(s->stratum, 1);
}

TEST(Selection, NoMajorityNoTime) {
  EXPECT_FALSE(select({{1, 0us, 1ms, 1}, {2, 50ms, 1ms, 1}}).has_value());
  EXPECT_FALSE(select({}).has_value());
  EXPECT_TRUE(select({{1, 0us, 1ms, 1}}).has_value());
}

TEST(ClockFilter, LowestDelayOfTheLastEightOnce) {
  ClockFilter f;
  for (int i = 0; i < 10; ++i) {
    Sample s;
    s.offset = Duration(i * 1000);
    s.delay = Duration(i == 5 ? 10 : 100 + i);
    s.at = Time{i + 1};
    f.add(s);
  }
  auto b = f.take_new();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->offset, Duration(5000));
  EXPECT_FALSE(f.take_new().has_value());  // handed on once
  f.shift(Time{6}, Duration(5000), 0);
  EXPECT_EQ(f.best()->offset, Duration(0));
}

TEST(Discipline, LearnsTheFrequencyFromADrift) {
  timesync::SoftwareClock clock;
  Discipline d(clock);
  // A host clock 100 ms behind and 100 ppm slow: each second the error grows by 100 us.
  Time host{1'000'000'000'000};
  const Time start = host;
  for (int i = 0; i < 20; ++i) {
    const double truth = static_cast<double>((host - start).count()) * 1.0001 + 1e8;
    const double ours = static_cast<double>((clock.read(host) - start).count());
    d.update(host, host, Duration(static_cast<std::int64_t>(truth - ours)));
    host = host + 1s;
  }
  EXPECT_NEAR(clock.frequency_ppm(), 100, 1);
  EXPECT_EQ(clock.steps(), 1U);  // the first update steps the 100 ms away, then only slews
}

}  // namespace
}  // namespace synod::ntp
