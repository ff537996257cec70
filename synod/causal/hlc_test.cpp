#include "synod/causal/hlc.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "synod/causal/random_execution.hpp"

namespace synod::causal {
namespace {

using testing::EventKind;
using testing::ExecutionParams;
using testing::RandomExecution;

constexpr std::int64_t kUnit = HlcTimestamp::kUnitNs;

// Physical time whose l is `l` (plus `extra` ns inside the unit).
Time at(std::uint64_t l, std::int64_t extra = 0) {
  return Time{static_cast<std::int64_t>(l) * kUnit + extra};
}

HybridLogicalClock clock_at(HlcTimestamp start) {
  // Drives a fresh clock to `start` through the public API: a local event at l (c = 0), or the
  // receive of (l, c - 1) at physical time l (the l.j = l.m rule gives c.m + 1).
  HybridLogicalClock clock;
  if (start.c == 0) {
    clock.tick(at(start.l));
  } else {
    auto r = clock.on_receive({start.l, static_cast<std::uint16_t>(start.c - 1)}, at(start.l));
    SYNOD_ASSERT(r.is_ok());
  }
  SYNOD_ASSERT(clock.current() == start);
  return clock;
}

TEST(HlcTimestamp, PackUnpackAndOrder) {
  const HlcTimestamp a{123456789, 7};
  EXPECT_EQ(a.pack(), (std::uint64_t{123456789} << 16U) | 7U);
  EXPECT_EQ(HlcTimestamp::unpack(a.pack()), a);
  EXPECT_EQ(HlcTimestamp::unpack(UINT64_MAX), (HlcTimestamp{HlcTimestamp::kMaxL, 0xFFFF}));
  // Lexicographic on (l, c), and packed values order the same way.
  const std::vector<HlcTimestamp> sorted{{0, 0}, {0, 1}, {0, 0xFFFF}, {1, 0}, {1, 2}, {9, 0}};
  for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
    EXPECT_LT(sorted[i], sorted[i + 1]);
    EXPECT_LT(sorted[i].pack(), sorted[i + 1].pack());
  }
  EXPECT_TRUE((HlcTimestamp{HlcTimestamp::kMaxL, 0}).valid());
  EXPECT_FALSE((HlcTimestamp{HlcTimestamp::kMaxL + 1, 0}).valid());
  EXPECT_EQ(a.to_string(), "123456789.7");
}

TEST(HlcTimestamp, PhysicalTimeMapping) {
  EXPECT_EQ(HlcTimestamp::l_of(Time{0}), 0U);
  EXPECT_EQ(HlcTimestamp::l_of(Time{-5}), 0U);
  EXPECT_EQ(HlcTimestamp::l_of(Time{kUnit - 1}), 0U);
  EXPECT_EQ(HlcTimestamp::l_of(Time{kUnit}), 1U);
  EXPECT_EQ(HlcTimestamp::l_of(Time{INT64_MAX}), (std::uint64_t{1} << 47U) - 1);
  EXPECT_EQ((HlcTimestamp{3, 9}).wall_time(), Time{3 * kUnit});
}

TEST(HybridLogicalClock, LocalEventFollowsPhysicalTime) {
  // Send or local event: l.j := max(l', pt.j); if l.j = l' then c.j := c.j + 1 else c.j := 0.
  HybridLogicalClock clock;
  EXPECT_EQ(clock.current(), (HlcTimestamp{0, 0}));
  EXPECT_EQ(clock.tick(at(100)), (HlcTimestamp{100, 0}));     // pt ahead: l := pt, c := 0
  EXPECT_EQ(clock.tick(at(100, 5)), (HlcTimestamp{100, 1}));  // same unit: c + 1
  EXPECT_EQ(clock.on_send(at(99)), (HlcTimestamp{100, 2}));   // pt behind (clock stepped back)
  EXPECT_EQ(clock.tick(at(101)), (HlcTimestamp{101, 0}));
  EXPECT_EQ(clock.carries(), 0U);
}

TEST(HybridLogicalClock, ReceiveAllBranchesOfThePaper) {
  // Receive: l.j := max(l', l.m, pt.j), then one of four rules for c.
  {
    // l.j = l' = l.m: c.j := max(c.j, c.m) + 1.
    auto clock = clock_at({50, 3});
    EXPECT_EQ(*clock.on_receive({50, 8}, at(40)), (HlcTimestamp{50, 9}));
    auto clock2 = clock_at({50, 3});
    EXPECT_EQ(*clock2.on_receive({50, 1}, at(40)), (HlcTimestamp{50, 4}));
  }
  {
    // l.j = l' (> l.m, >= pt): c.j := c.j + 1.
    auto clock = clock_at({50, 3});
    EXPECT_EQ(*clock.on_receive({49, 100}, at(50)), (HlcTimestamp{50, 4}));
  }
  {
    // l.j = l.m (> l'): c.j := c.m + 1.
    auto clock = clock_at({50, 3});
    EXPECT_EQ(*clock.on_receive({60, 100}, at(55)), (HlcTimestamp{60, 101}));
  }
  {
    // pt.j strictly largest: c.j := 0.
    auto clock = clock_at({50, 3});
    EXPECT_EQ(*clock.on_receive({60, 100}, at(70)), (HlcTimestamp{70, 0}));
  }
  {
    // pt.j ties with l.m: the l.m rule applies (c.m + 1), keeping hlc(send) < hlc(receive).
    auto clock = clock_at({50, 3});
    EXPECT_EQ(*clock.on_receive({60, 100}, at(60)), (HlcTimestamp{60, 101}));
  }
}

TEST(HybridLogicalClock, CarriesWhenCOverflowsOnLocalEvents) {
  // Pin physical time: every event shares one l until c runs out, then l advances by one unit.
  HybridLogicalClock clock;
  HlcTimestamp prev = clock.tick(at(1000));
  for (std::uint64_t i = 1; i <= HlcTimestamp::kMaxC; ++i) {
    const HlcTimestamp t = clock.tick(at(1000));
    ASSERT_LT(prev, t);
    prev = t;
  }
  EXPECT_EQ(prev, (HlcTimestamp{1000, 0xFFFF}));
  EXPECT_EQ(clock.carries(), 0U);
  EXPECT_EQ(clock.tick(at(1000)), (HlcTimestamp{1001, 0}));
  EXPECT_EQ(clock.carries(), 1U);
  EXPECT_EQ(clock.tick(at(1000)), (HlcTimestamp{1001, 1}));  // l' ahead of pt: c + 1
  EXPECT_EQ(clock.tick(at(1002)), (HlcTimestamp{1002, 0}));  // physical time catches up
}

TEST(HybridLogicalClock, CarriesWhenCOverflowsOnReceive) {
  {
    // l.j = l.m branch with c.m at its maximum.
    HybridLogicalClock clock;
    EXPECT_EQ(*clock.on_receive({500, 0xFFFF}, at(400)), (HlcTimestamp{501, 0}));
    EXPECT_EQ(clock.carries(), 1U);
  }
  {
    // l.j = l' = l.m branch.
    auto clock = clock_at({500, 2});
    EXPECT_EQ(*clock.on_receive({500, 0xFFFF}, at(400)), (HlcTimestamp{501, 0}));
  }
  {
    // l.j = l' branch: our own c at its maximum.
    auto clock = clock_at({500, 0xFFFF});
    EXPECT_EQ(*clock.on_receive({10, 0}, at(400)), (HlcTimestamp{501, 0}));
  }
}

TEST(HybridLogicalClock, RejectsTimestampsTooFarAhead) {
  // Like CockroachDB's max-offset check: refuse, do not adopt, a remote clock running ahead.
  HybridLogicalClock clock(HlcConfig{std::chrono::milliseconds(10)});
  const Time pt = at(1'000'000);
  clock.tick(pt);
  const HlcTimestamp before = clock.current();
  const std::uint64_t horizon = HlcTimestamp::l_of(pt + std::chrono::milliseconds(10));
  // Exactly at the horizon: accepted.
  HybridLogicalClock ok_clock = clock;
  auto ok = ok_clock.on_receive({horizon, 5}, pt);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(*ok, (HlcTimestamp{horizon, 6}));
  // One unit past the horizon: rejected, state unchanged.
  auto bad = clock.on_receive({horizon + 1, 0}, pt);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), Code::kOutOfRange);
  EXPECT_EQ(clock.current(), before);
  EXPECT_EQ(clock.tick(pt), (HlcTimestamp{before.l, static_cast<std::uint16_t>(before.c + 1)}));
  // A timestamp whose l does not fit 48 bits is rejected too.
  HybridLogicalClock loose(HlcConfig{HlcConfig::kMaxOffsetLimit});
  EXPECT_EQ(loose.on_receive({HlcTimestamp::kMaxL + 1, 0}, pt).status().code(), Code::kOutOfRange);
  EXPECT_EQ(loose.current(), (HlcTimestamp{0, 0}));
}

TEST(HybridLogicalClock, ZeroMaxOffsetAcceptsOnlyTheSameUnit) {
  HybridLogicalClock clock(HlcConfig{Duration::zero()});
  EXPECT_TRUE(clock.on_receive({77, 3}, at(77)).is_ok());
  EXPECT_TRUE(clock.on_receive({76, 3}, at(77, kUnit - 1)).is_ok());
  EXPECT_FALSE(clock.on_receive({78, 0}, at(77, kUnit - 1)).is_ok());
}

TEST(HybridLogicalClock, NegativePhysicalTimeCountsAsZero) {
  HybridLogicalClock clock;
  EXPECT_EQ(clock.tick(Time{-1'000'000}), (HlcTimestamp{0, 1}));
  EXPECT_TRUE(clock.on_receive({0, 9}, Time{-5}).is_ok());
  EXPECT_EQ(clock.current(), (HlcTimestamp{0, 10}));
}

struct Replayed {
  std::vector<HlcTimestamp> stamps;
  std::uint64_t carries = 0;
  int rejected = 0;
};

Replayed replay(const RandomExecution& x, HlcConfig config) {
  std::vector<HybridLogicalClock> clocks(x.nodes.size(), HybridLogicalClock(config));
  Replayed r;
  r.stamps.resize(x.events.size());
  std::vector<std::uint64_t> carried(x.messages.size());  // packed on the wire
  for (std::size_t k = 0; k < x.events.size(); ++k) {
    const auto& e = x.events[k];
    HybridLogicalClock& clock = clocks[static_cast<std::size_t>(e.process)];
    switch (e.kind) {
      case EventKind::kLocal: r.stamps[k] = clock.tick(e.pt); break;
      case EventKind::kSend:
        r.stamps[k] = clock.on_send(e.pt);
        carried[static_cast<std::size_t>(e.message)] = r.stamps[k].pack();
        break;
      case EventKind::kReceive: {
        auto t = clock.on_receive(
            HlcTimestamp::unpack(carried[static_cast<std::size_t>(e.message)]), e.pt);
        if (!t.is_ok()) {
          ++r.rejected;
          r.stamps[k] = clock.tick(e.pt);  // dropped message: record a local event instead
        } else {
          r.stamps[k] = *t;
        }
        break;
      }
    }
  }
  for (const auto& c : clocks) r.carries += c.carries();
  return r;
}

TEST(HybridLogicalClockProperty, ClockConditionAndBoundedDriftOnRandomExecutions) {
  // Kulkarni et al. 2014, Theorem 1: e -> f implies hlc(e) < hlc(f).
  // Theorem 2: l.f >= pt.f and l.f - pt.f <= eps, the largest offset between two clocks.
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    Rng rng(seed);
    ExecutionParams p;
    p.processes = static_cast<int>(rng.between(1, 8));
    p.events = static_cast<int>(rng.between(0, 60 * p.processes));
    p.p_send = 0.1 + 0.5 * rng.unit();
    p.max_skew = Duration(rng.between(0, 20'000'000));  // up to 20 ms between clocks
    p.max_step = Duration(rng.between(1, 300'000));     // events often share a 65.5 us unit
    const auto x = RandomExecution::generate(rng, p);
    // max_offset = the true skew, the tightest setting that admits every honest message.
    const Replayed r = replay(x, HlcConfig{x.skew()});
    ASSERT_EQ(r.rejected, 0) << "seed " << seed;
    ASSERT_EQ(r.carries, 0U) << "seed " << seed;
    for (int e = 0; e < x.size(); ++e) {
      const HlcTimestamp te = r.stamps[static_cast<std::size_t>(e)];
      const Time pt = x.events[static_cast<std::size_t>(e)].pt;
      ASSERT_GE(te.l, HlcTimestamp::l_of(pt)) << "seed " << seed << " event " << e;
      ASSERT_LE(te.wall_time() - pt, x.skew()) << "seed " << seed << " event " << e;
      ASSERT_LT(te.c, HlcTimestamp::kMaxC);
      for (int f = 0; f < x.size(); ++f) {
        if (x.happened_before(e, f)) {
          const HlcTimestamp tf = r.stamps[static_cast<std::size_t>(f)];
          ASSERT_LT(te, tf) << "seed " << seed << " events " << e << " -> " << f << ": "
                            << te.to_string() << " vs " << tf.to_string();
          ASSERT_LT(te.pack(), tf.pack());
        }
      }
    }
  }
}

TEST(HybridLogicalClockProperty, MaxOffsetBelowSkewRejectsButKeepsOrder) {
  // With max_offset under the real skew some messages are refused; the clock condition still
  // holds along every path of delivered messages and l never runs past pt + max_offset.
  int total_rejected = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    Rng rng(seed);
    ExecutionParams p;
    p.processes = static_cast<int>(rng.between(2, 8));
    p.events = static_cast<int>(rng.between(20, 60 * p.processes));
    p.max_skew = std::chrono::milliseconds(50);
    const auto x = RandomExecution::generate(rng, p);
    const Duration max_offset = std::chrono::milliseconds(5);
    const Replayed r = replay(x, HlcConfig{max_offset});
    total_rejected += r.rejected;
    for (int e = 0; e < x.size(); ++e) {
      const HlcTimestamp te = r.stamps[static_cast<std::size_t>(e)];
      ASSERT_LE(te.wall_time() - x.events[static_cast<std::size_t>(e)].pt, max_offset);
    }
    // Per process, stamps strictly increase (process order is part of happened-before).
    std::vector<HlcTimestamp> last(x.nodes.size());
    for (int e = 0; e < x.size(); ++e) {
      const auto proc = static_cast<std::size_t>(x.events[static_cast<std::size_t>(e)].process);
      ASSERT_LT(last[proc], r.stamps[static_cast<std::size_t>(e)]);
      last[proc] = r.stamps[static_cast<std::size_t>(e)];
    }
  }
  EXPECT_GT(total_rejected, 0);
}

}  // namespace
}  // namespace synod::causal
