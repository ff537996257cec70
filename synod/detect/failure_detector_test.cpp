// Unit tests of the phi-accrual failure detector (Hayashibara et al. 2004) and the heartbeat
// sender: phi grows with silence, steady or jittery arrivals stay trusted, a crashed-and-restarted
// peer is suspected then trusted, bounds and option limits hold at their edges.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "synod/detect/failure_detector.hpp"
#include "synod/detect/heartbeat_sender.hpp"
#include "synod/detect/phi.hpp"

namespace synod::detect {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr NodeId kPeers[] = {2, 3};

Time at(Duration d) { return Time{0} + d; }

// Feeds `count` heartbeats from `peer` every `period` (+ jitter from `rng` when given), starting
// after `t`, polling after each; returns the time of the last one.
Time beat(FailureDetector& fd, NodeId peer, Time t, Duration period, int count, Rng* rng = nullptr,
          Duration jitter = {}) {
  for (int i = 0; i < count; ++i) {
    Duration d = period;
    if (rng != nullptr) d += Duration(rng->between(-jitter.count(), jitter.count()));
    t = t + d;
    fd.record_heartbeat(peer, t);
    fd.poll(t);
    EXPECT_FALSE(fd.suspected(peer)) << "heartbeat " << i;
  }
  return t;
}

TEST(Phi, MatchesTheNormalTailAndStaysFinite) {
  // At the mean, P_later = 1/2: phi = log10(2).
  EXPECT_NEAR(phi_of(100, 100, 10), std::log10(2.0), 1e-9);
  // One std-dev later: P_later = 0.1587 (normal), phi ~ 0.80 (approximation error < 1e-3).
  EXPECT_NEAR(phi_of(110, 100, 10), -std::log10(0.158655), 2e-3);
  EXPECT_LT(phi_of(0, 100, 10), 1e-6);  // far before the mean: no suspicion at all
  EXPECT_EQ(phi_of(1e12, 100, 10), kMaxPhi);
  EXPECT_GE(phi_of(-1e12, 100, 10), 0.0);
  EXPECT_FALSE(std::isnan(phi_of(1e300, 0, 1e-300)));
  // The inverse: phi reaches 8 about 5.2 std-devs past the mean.
  EXPECT_NEAR(elapsed_for_phi(8, 0, 1), 5.2, 0.1);
  EXPECT_NEAR(phi_of(elapsed_for_phi(8, 100, 10), 100, 10), 8, 1e-6);
}

TEST(FailureDetector, PhiGrowsWithSilence) {
  FailureDetector fd;
  fd.start(at(0s), kPeers);
  const Time last = beat(fd, 2, at(0s), milliseconds(100), 50);
  double previous = -1;
  for (int ms = 0; ms <= 1000; ms += 10) {
    const double p = fd.phi(2, last + milliseconds(ms));
    EXPECT_GE(p, previous) << ms << "ms";
    previous = p;
  }
  EXPECT_LT(fd.phi(2, last + milliseconds(100)), 1.0);
  EXPECT_GT(fd.phi(2, last + milliseconds(500)), 8.0);
}

TEST(FailureDetector, RegularArrivalsKeepPhiLow) {
  FailureDetector fd;
  fd.start(at(0s), kPeers);
  Time t = at(0s);
  for (int i = 0; i < 1000; ++i) {
    t = t + milliseconds(100);
    fd.record_heartbeat(2, t);
    fd.record_heartbeat(3, t);
    // Just before the next heartbeat is due, phi is still small.
    EXPECT_LT(fd.phi(2, t + milliseconds(99)), 1.0);
    ASSERT_TRUE(fd.poll(t + milliseconds(99)).empty());
  }
  EXPECT_FALSE(fd.suspected(2));
}

TEST(FailureDetector, DetectsACrashWithinTheSteadyStateTimeout) {
  FailureDetector fd;
  fd.start(at(0s), kPeers);
  Time last = at(0s);
  for (int i = 0; i < 100; ++i) {
    last = last + milliseconds(100);
    fd.record_heartbeat(2, last);
    fd.record_heartbeat(3, last);
  }
  const Duration timeout = fd.steady_state_timeout();
  // Defaults: 100 ms mean + 100 ms pause + 5.2 x 25 ms = ~330 ms
  // (docs/protocols/failure-detector.md).
  EXPECT_GT(timeout, milliseconds(320));
  EXPECT_LT(timeout, milliseconds(340));
  EXPECT_TRUE(fd.poll(last + timeout - milliseconds(5)).empty());
  const auto t = fd.poll(last + timeout + milliseconds(5));
  ASSERT_EQ(t.size(), 2U);  // both peers went silent at `last`
  EXPECT_EQ(t[0], (Transition{2, true}));
  EXPECT_EQ(t[1], (Transition{3, true}));
  EXPECT_TRUE(fd.suspected(2));
  EXPECT_EQ(fd.suspects(), (std::vector<NodeId>{2, 3}));
}

TEST(FailureDetector, ToleratesJitterWithoutFalseSuspicion) {
  // Heartbeats every 100 ms +- 40 ms (uniform): 10,000 of them, never suspected.
  FailureDetector fd;
  fd.start(at(0s), kPeers);
  Rng rng(7);
  Time t = beat(fd, 2, at(0s), milliseconds(100), 10'000, &rng, milliseconds(40));
  // The learned std-dev (~23 ms) stays under the floor, so detection time does not grow.
  EXPECT_LT(fd.phi(2, t + milliseconds(250)), 8.0);
  EXPECT_GE(fd.phi(2, t + milliseconds(400)), 8.0);
}

TEST(FailureDetector, WideJitterWidensTheTimeout) {
  // A sender whose period varies over [50, 350] ms: the window learns the spread, and a silence
  // that would condemn a steady peer (400 ms) is still tolerated.
  FailureDetector fd;
  fd.start(at(0s), kPeers);
  Rng rng(3);
  const Time t = beat(fd, 2, at(0s), milliseconds(200), 200, &rng, milliseconds(150));
  EXPECT_LT(fd.phi(2, t + milliseconds(400)), 8.0);
  EXPECT_GE(fd.phi(2, t + seconds(2)), 8.0);
}

TEST(FailureDetector, RestartedPeerIsSuspectedThenTrustedWithoutLearningTheGap) {
  FailureDetector fd;
  fd.start(at(0s), kPeers);
  Time t = beat(fd, 2, at(0s), milliseconds(100), 50);
  // The peer crashes; 3 s later its new life starts beating again.
  ASSERT_EQ(fd.poll(t + seconds(1)), (std::vector<Transition>{{2, true}}));  // 3: at bootstrap
  t = t + seconds(3);
  fd.record_heartbeat(2, t);
  EXPECT_EQ(fd.poll(t), (std::vector<Transition>{{2, false}}));
  t = beat(fd, 2, t, milliseconds(100), 5);
  // The 3 s gap was not added to the window: the next crash is detected as fast as the first.
  EXPECT_GE(fd.phi(2, t + milliseconds(400)), 8.0);
}

TEST(FailureDetector, ResetGivesAFreshBootstrapPeriod) {
  FailureDetector fd;
  fd.start(at(0s), kPeers);
  beat(fd, 2, at(0s), milliseconds(100), 10);
  fd.reset(2, at(seconds(5)));
  EXPECT_EQ(fd.phi(2, at(milliseconds(5500))), 0.0);  // bootstrap: never heard from, not yet late
  EXPECT_GE(fd.phi(2, at(seconds(6))), 8.0);
}

TEST(FailureDetector, SuspectsAPeerNeverHeardFromAfterBootstrap) {
  FailureDetector fd;
  fd.start(at(0s), kPeers);
  beat(fd, 2, at(0s), milliseconds(100), 9);  // 2 beats until 0.9 s; 3 stays silent
  EXPECT_TRUE(fd.poll(at(milliseconds(999))).empty());
  EXPECT_EQ(fd.poll(at(milliseconds(1200))), (std::vector<Transition>{{3, true}}));
}

TEST(FailureDetector, FirstHeartbeatUsesTheNominalInterval) {
  // One heartbeat only: the window is seeded with interval +- interval/4 (Akka's bootstrap).
  FailureDetector fd;
  fd.start(at(0s), kPeers);
  fd.record_heartbeat(2, at(milliseconds(10)));
  EXPECT_LT(fd.phi(2, at(milliseconds(210))), 1.0);
  EXPECT_GE(fd.phi(2, at(milliseconds(600))), 8.0);
}

TEST(FailureDetector, ClockSteppingBackIsNotAnInterval) {
  FailureDetector fd;
  fd.start(at(10s), kPeers);
  Time t = beat(fd, 2, at(10s), milliseconds(100), 20);
  fd.record_heartbeat(2, t - seconds(5));  // the local clock stepped back 5 s
  EXPECT_EQ(fd.phi(2, t - seconds(5)), fd.phi(2, t - seconds(6)));  // elapsed < 0 reads as 0
  EXPECT_LT(fd.phi(2, t - seconds(5) + milliseconds(100)), 1.0);
}

TEST(FailureDetector, UnknownPeersAreIgnored) {
  FailureDetector fd;
  fd.start(at(0s), kPeers);
  fd.record_heartbeat(9, at(1s));
  EXPECT_EQ(fd.phi(9, at(10s)), 0.0);
  EXPECT_FALSE(fd.suspected(9));
  EXPECT_NE(fd.status_json(at(0s)).find("\"2\":{\"phi\":0.00"), std::string::npos);
}

TEST(IntervalWindow, BoundedAndExact) {
  IntervalWindow w(kMinWindow);
  w.add(milliseconds(100));
  w.add(milliseconds(300));
  w.add(milliseconds(500));  // evicts 100
  EXPECT_EQ(w.size(), 2U);
  EXPECT_DOUBLE_EQ(w.mean_ns(), 400e6);
  EXPECT_DOUBLE_EQ(w.std_dev_ns(), 100e6);
  // The largest window full of the longest samples: sums stay exact (no overflow).
  IntervalWindow big(kMaxWindow);
  for (std::uint32_t i = 0; i < kMaxWindow + 5; ++i) big.add(std::chrono::hours(1));
  EXPECT_EQ(big.size(), kMaxWindow);
  EXPECT_DOUBLE_EQ(big.mean_ns(), kMaxSampleUs * 1000.0);
  EXPECT_DOUBLE_EQ(big.std_dev_ns(), 0.0);
  w.add(Duration(-5));  // negative samples clamp to 0
  EXPECT_DOUBLE_EQ(w.mean_ns(), 250e6);
}

TEST(FailureDetectorOptions, ValidatedAtTheEdges) {
  EXPECT_TRUE(validate({}).is_ok());
  FailureDetectorOptions o;
  o.window_size = kMinWindow - 1;
  EXPECT_FALSE(validate(o).is_ok());
  o.window_size = kMaxWindow + 1;
  EXPECT_FALSE(validate(o).is_ok());
  o.window_size = kMaxWindow;
  EXPECT_TRUE(validate(o).is_ok());
  o.phi_threshold = 0;
  EXPECT_FALSE(validate(o).is_ok());

  auto parsed = parse_failure_detector_options(
      {{"fd_interval", "50ms"}, {"fd_phi", "12.5"}, {"fd_window", "10"}, {"other", "x"}});
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->heartbeat_interval, milliseconds(50));
  EXPECT_DOUBLE_EQ(parsed->phi_threshold, 12.5);
  EXPECT_EQ(parsed->window_size, 10U);
  EXPECT_FALSE(parse_failure_detector_options({{"fd_phi", "high"}}));
  EXPECT_FALSE(parse_failure_detector_options({{"fd_window", "1"}}));
  EXPECT_FALSE(parse_failure_detector_options({{"fd_min_std", "0ms"}}));
  EXPECT_TRUE(is_failure_detector_option("fd_bootstrap"));
  EXPECT_FALSE(is_failure_detector_option("interval"));
}

// A context that records sends and timers (the sender needs nothing else).
class SendContext final : public Context {
 public:
  NodeId self() const override { return 1; }
  std::span<const NodeId> peers() const override { return kPeers; }
  void send(NodeId to, Bytes) override { ++sent[to]; }
  bool writable(NodeId to) const override { return to != blocked; }
  TimerId set_timer(Duration after, std::uint64_t tag) override {
    last_after = after;
    last_tag = tag;
    return ++timers;
  }
  void cancel_timer(TimerId) override { ++cancelled; }
  Time now() const override { return {}; }
  Rng& rng() override { return rng_; }
  Storage& storage() override { std::abort(); }
  void observe(std::string_view, ObsFields) override {}
  void log(std::string_view) override {}
  void reply(CommandId, std::string) override {}

  std::map<NodeId, int> sent;
  Duration last_after{};
  std::uint64_t last_tag = 0;
  TimerId timers = 0;
  int cancelled = 0;
  NodeId blocked = kNoNode;

 private:
  Rng rng_{1};
};

TEST(HeartbeatSender, SendsToEveryPeerEachJitteredPeriod) {
  SendContext ctx;
  HeartbeatSender s(milliseconds(100), 7);
  s.start(ctx);
  EXPECT_EQ(ctx.last_tag, 7U);
  for (int i = 0; i < 50; ++i) {
    EXPECT_GE(ctx.last_after, milliseconds(90));
    EXPECT_LE(ctx.last_after, milliseconds(110));
    EXPECT_TRUE(s.on_timer(ctx, 7, Bytes{1}));
  }
  EXPECT_FALSE(s.on_timer(ctx, 8, Bytes{1}));  // not ours
  EXPECT_EQ(ctx.sent[2], 50);
  EXPECT_EQ(ctx.sent[3], 50);
  EXPECT_EQ(s.sent(), 100U);
  ctx.blocked = 3;  // its window is full: skipped, not queued
  EXPECT_TRUE(s.on_timer(ctx, 7, Bytes{1}));
  EXPECT_EQ(ctx.sent[3], 50);
  EXPECT_EQ(s.skipped(), 1U);
  s.stop(ctx);
  EXPECT_TRUE(s.on_timer(ctx, 7, Bytes{1}));  // a timer already in flight: swallowed
  EXPECT_EQ(s.sent(), 101U);
}

}  // namespace
}  // namespace synod::detect
