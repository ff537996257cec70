#include "synod/causal/lamport.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "synod/causal/random_execution.hpp"

namespace synod::causal {
namespace {

using testing::EventKind;
using testing::ExecutionParams;
using testing::RandomExecution;

TEST(LamportClock, StartsAtZero) {
  LamportClock c;
  EXPECT_EQ(c.value(), 0U);
  EXPECT_EQ(LamportClock(7).value(), 7U);
}

TEST(LamportClock, TickIncrementsBeforeEachLocalEvent) {
  // LC1: each process increments its clock between any two successive events.
  LamportClock c;
  EXPECT_EQ(c.tick(), 1U);
  EXPECT_EQ(c.tick(), 2U);
  EXPECT_EQ(c.value(), 2U);
}

TEST(LamportClock, SendIncrementsAndPiggybacks) {
  // LC1 for the send event; the value returned is the timestamp carried by the message (LC2).
  LamportClock c(4);
  EXPECT_EQ(c.on_send(), 5U);
  EXPECT_EQ(c.value(), 5U);
}

TEST(LamportClock, ReceiveTakesMaxThenIncrements) {
  // LC2: on receipt of (m, t): L := max(L, t), then LC1 before timestamping the receive event.
  LamportClock c(10);
  EXPECT_EQ(c.on_receive(3), 11U);   // t < L: L + 1
  EXPECT_EQ(c.on_receive(11), 12U);  // t == L: L + 1
  EXPECT_EQ(c.on_receive(40), 41U);  // t > L: t + 1
  EXPECT_EQ(c.value(), 41U);
}

TEST(LamportClock, ReceiveSaturatesCorruptStamps) {
  LamportClock c(5);
  EXPECT_EQ(c.on_receive(UINT64_MAX), LamportClock::kMaxStamp + 1);
  EXPECT_EQ(c.tick(), LamportClock::kMaxStamp + 2);  // still monotonic, no wrap
  EXPECT_EQ(c.on_receive(UINT64_MAX), LamportClock::kMaxStamp + 3);
}

TEST(LamportClock, CheckedReceiveRejectsStampsAboveLimit) {
  LamportClock c(5);
  EXPECT_TRUE(LamportClock::valid_stamp(LamportClock::kMaxStamp));
  EXPECT_FALSE(LamportClock::valid_stamp(LamportClock::kMaxStamp + 1));
  auto bad = c.checked_receive(LamportClock::kMaxStamp + 1);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().code(), Code::kOutOfRange);
  EXPECT_EQ(c.value(), 5U);  // unchanged
  auto ok = c.checked_receive(LamportClock::kMaxStamp);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(*ok, LamportClock::kMaxStamp + 1);
}

// Replays an execution with one LamportClock per process; returns each event's stamp.
std::vector<std::uint64_t> replay(const RandomExecution& x) {
  std::vector<LamportClock> clocks(x.nodes.size());
  std::vector<std::uint64_t> stamps(x.events.size());
  std::vector<std::uint64_t> carried(x.messages.size());
  for (std::size_t k = 0; k < x.events.size(); ++k) {
    const auto& e = x.events[k];
    LamportClock& clock = clocks[static_cast<std::size_t>(e.process)];
    switch (e.kind) {
      case EventKind::kLocal: stamps[k] = clock.tick(); break;
      case EventKind::kSend:
        stamps[k] = carried[static_cast<std::size_t>(e.message)] = clock.on_send();
        break;
      case EventKind::kReceive:
        stamps[k] = clock.on_receive(carried[static_cast<std::size_t>(e.message)]);
        break;
    }
  }
  return stamps;
}

TEST(LamportClockProperty, ClockConditionOnRandomExecutions) {
  // Clock condition (Lamport 1978): for any events e, f: if e -> f then C(e) < C(f).
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    Rng rng(seed);
    ExecutionParams p;
    p.processes = static_cast<int>(rng.between(1, 8));
    p.events = static_cast<int>(rng.between(0, 60 * p.processes));
    p.p_send = 0.1 + 0.5 * rng.unit();
    const auto x = RandomExecution::generate(rng, p);
    const auto stamps = replay(x);
    for (int e = 0; e < x.size(); ++e) {
      for (int f = 0; f < x.size(); ++f) {
        if (x.happened_before(e, f)) {
          ASSERT_LT(stamps[static_cast<std::size_t>(e)], stamps[static_cast<std::size_t>(f)])
              << "seed " << seed << " events " << e << " -> " << f;
        }
      }
    }
  }
}

}  // namespace
}  // namespace synod::causal
