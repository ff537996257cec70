// The heartbeat protocol under the simulator: golden behaviour on a healthy network, detection of
// a crash, recovery with a new incarnation, and the acceptance sweep of swarm seeds.
#include <gtest/gtest.h>

#include "synod/heartbeat/heartbeat.hpp"
#include "synod/heartbeat/heartbeat_checker.hpp"
#include "synod/heartbeat/heartbeat_messages.hpp"
#include "synod/sim/sweep.hpp"
#include "synod/sim/testing.hpp"

namespace synod {
namespace {

std::int64_t ns(Duration d) { return d.count(); }

sim::ProtocolFactory heartbeat_factory(HeartbeatOptions o = {}) {
  return sim::one_protocol([o] { return std::make_unique<Heartbeat>(o); });
}

sim::SimOptions opts(const std::string& faults, std::uint32_t nodes) {
  return sim::scripted(faults, nodes);
}

const Heartbeat& hb(sim::Simulator& s, NodeId id) {
  return sim::protocol_on<Heartbeat>(s, id, Heartbeat::kId);
}

TEST(Heartbeat, HealthyClusterTrustsEveryone) {
  sim::Simulator s(opts("latency=uniform:1ms..5ms", 5), heartbeat_factory(), heartbeat_checkers());
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  for (NodeId a = 1; a <= 5; ++a) {
    EXPECT_EQ(hb(s, a).incarnation(), 1U);
    EXPECT_GT(hb(s, a).counter(), 80U);  // ~10 s at 100 ms
    for (const auto& [peer, v] : hb(s, a).view()) {
      EXPECT_FALSE(v.suspected) << a << " suspects " << peer;
      EXPECT_GT(v.counter, 80U);
    }
  }
}

TEST(Heartbeat, CrashIsSuspectedAndRestartIsTrustedWithNewIncarnation) {
  sim::Simulator s(opts("@2s crash 3; @6s restart 3", 4), heartbeat_factory(),
                   heartbeat_checkers());
  s.start();
  s.run_until(ns(std::chrono::milliseconds(3500)));
  for (NodeId a : {1U, 2U, 4U}) EXPECT_TRUE(hb(s, a).view().at(3).suspected) << a;
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  EXPECT_EQ(hb(s, 3).incarnation(), 2U);  // the durable incarnation survived the crash
  for (NodeId a : {1U, 2U, 4U}) {
    EXPECT_FALSE(hb(s, a).view().at(3).suspected) << a;
    EXPECT_EQ(hb(s, a).view().at(3).incarnation, 2U);
  }
}

TEST(Heartbeat, PartitionedMinoritySuspectsAndIsSuspectedThenHeals) {
  sim::Simulator s(opts("@1s partition 1|2,3; @4s heal", 3), heartbeat_factory(),
                   heartbeat_checkers());
  s.start();
  s.run_until(ns(std::chrono::milliseconds(3500)));
  EXPECT_TRUE(hb(s, 1).view().at(2).suspected);
  EXPECT_TRUE(hb(s, 2).view().at(1).suspected);
  EXPECT_FALSE(hb(s, 2).view().at(3).suspected);
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  EXPECT_FALSE(hb(s, 1).view().at(2).suspected);
}

TEST(Heartbeat, GarbageMessagesAreCountedNotFatal) {
  class Garbage final : public Protocol {
   public:
    ProtocolId id() const override { return Heartbeat::kId; }
    std::string_view name() const override { return "garbage"; }
    void on_start(Context& c) override { c.set_timer(std::chrono::milliseconds(300), 0); }
    void on_message(Context&, NodeId, ByteView) override {}
    void on_timer(Context& c, std::uint64_t) override {
      c.send(1, Bytes{0xFF, 0xFF, 0xFF});  // truncated varint
      c.send(1, Bytes{0x0A, 0x7F, 0x01});  // length past end
      Bytes huge_count;                    // more entries than allowed
      for (std::size_t i = 0; i < kMaxHeartbeatEntries + 1; ++i) {
        huge_count.push_back(0x0A);
        huge_count.push_back(0x00);
      }
      c.send(1, huge_count);
    }
  };
  sim::Simulator s(opts("none", 2), [](NodeId id) {
    std::vector<std::unique_ptr<Protocol>> v;
    if (id == 1) {
      v.push_back(std::make_unique<Heartbeat>(HeartbeatOptions{}));
    } else {
      v.push_back(std::make_unique<Garbage>());
    }
    return v;
  });
  s.start();
  s.run_until(ns(std::chrono::seconds(1)));
  EXPECT_EQ(hb(s, 1).decode_errors(), 3U);
}

TEST(Heartbeat, CheckerCatchesAProtocolThatForgetsItsIncarnation) {
  // Negative control: a heartbeat that never syncs would restart with the same incarnation.
  // Feed the checker that story directly and make sure it objects (H1).
  auto checkers = heartbeat_checkers();
  const ObsField inc1[] = {{"inc", 1}};
  Event start{1, 0, EventKind::kObserve, 1, 0, Heartbeat::kId, 0, "incarnation", inc1};
  ASSERT_FALSE(checkers[0]->on_event(start));
  Event crash{2, 1, EventKind::kCrash, 1, 0, 0, 0, "", {}};
  ASSERT_FALSE(checkers[0]->on_event(crash));
  Event again{3, 2, EventKind::kObserve, 1, 0, Heartbeat::kId, 0, "incarnation", inc1};
  auto v = checkers[0]->on_event(again);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("H1"), std::string::npos);
}

TEST(Heartbeat, CheckerCatchesFabricatedCounter) {
  auto checkers = heartbeat_checkers();
  const ObsField beat[] = {{"inc", 1}, {"ctr", 5}};
  const ObsField learn[] = {{"peer", 2}, {"inc", 1}, {"ctr", 6}};
  ASSERT_FALSE(
      checkers[0]->on_event({1, 0, EventKind::kObserve, 2, 0, Heartbeat::kId, 0, "beat", beat}));
  auto v =
      checkers[0]->on_event({2, 0, EventKind::kObserve, 1, 0, Heartbeat::kId, 0, "learn", learn});
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("H4"), std::string::npos);
}

TEST(Heartbeat, CheckerLivenessNeedsCrashedNodesSuspected) {
  auto checkers = heartbeat_checkers();
  const NodeId up[] = {1, 2};
  const NodeId down[] = {3};
  auto v = checkers[0]->at_quiescence(up, down);
  ASSERT_TRUE(v);
  EXPECT_NE(v->find("H5"), std::string::npos);
}

// As deployed (heartbeat_spec): over the best-effort channel, bit flips on the wire are caught by
// the channel's checksum, so the checkers stay clean even on a corrupting network. The raw
// protocol on the same network would "learn" flipped counters (H4).
TEST(Heartbeat, DeployedSpecSurvivesCorruption) {
  const char* corrupting =
      "latency=uniform:1ms..5ms,corrupt=0.2,loss=0.05; @2s crash 2; @3s restart 2";
  sim::Simulator s(opts(corrupting, 4), sim::from_spec(heartbeat_spec()), heartbeat_checkers());
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  EXPECT_GT(r.events, 1000U);

  // Negative control: the raw protocol on the same network is caught by the checker.
  sim::Simulator raw(opts(corrupting, 4), heartbeat_factory(), heartbeat_checkers());
  const auto bad = raw.run();
  ASSERT_TRUE(bad.violation.has_value());
}

TEST(Heartbeat, OptionsAreValidated) {
  EXPECT_TRUE(
      parse_heartbeat_options({{"interval", "50ms"}, {"timeout", "500ms"}, {"fanout", "2"}}));
  EXPECT_FALSE(parse_heartbeat_options({{"interval", "500ms"}, {"timeout", "600ms"}}));
  EXPECT_FALSE(parse_heartbeat_options({{"fanout", "0"}}));
  EXPECT_FALSE(parse_heartbeat_options({{"speed", "fast"}}));
}

// Acceptance: 1,000 swarm seeds (each its own mix of loss, duplication, reordering, latency
// shapes, partitions, crashes/restarts, pauses, clogs and clock faults), zero violations, and the
// first seed replays to the same trace hash.
TEST(Heartbeat, SwarmThousandSeedsNoViolations) {
  sim::SweepOptions so;
  so.seeds = sim::acceptance_seeds();
  so.nodes = 5;
  so.duration = std::chrono::seconds(10);
  so.stabilize = std::chrono::seconds(5);
  const auto r = sim::run_sweep(so, heartbeat_factory(), [] { return heartbeat_checkers(); });
  for (const auto& v : r.violations) {
    ADD_FAILURE() << "seed " << v.seed << " [" << v.violation.checker << "] " << v.violation.message
                  << "\n  faults: " << v.faults;
  }
  EXPECT_EQ(r.seeds, so.seeds);
  EXPECT_TRUE(r.replay_matches);
  EXPECT_GT(r.events, so.seeds * 1000);
}

}  // namespace
}  // namespace synod
