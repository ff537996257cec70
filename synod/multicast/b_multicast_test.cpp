// B-multicast: the rules of b_multicast.hpp in scripted runs, the checkers of multicast_checker.hpp
// failing on hand-made executions, and the 1,000-seed swarm acceptance.
#include <gtest/gtest.h>

#include <vector>

#include "synod/multicast/multicast_catalog.hpp"
#include "synod/multicast/multicast_checker.hpp"
#include "synod/sim/swarm_test_util.hpp"

namespace synod::multicast {
namespace {

const CatalogEntry& entry() {
  static const Catalog c = catalog();
  return c.front();
}

sim::SimResult run(const std::string& faults, const ProtocolOptions& opts = {},
                   std::uint32_t nodes = 4) {
  sim::Simulator s(sim::scripted(faults, nodes), sim::from_spec(entry().spec, opts),
                   entry().checkers(opts));
  return s.run();
}

// BM1/BM2/BM3 with no faults: every message reaches every member once, and each multicast costs
// exactly n-1 network messages (the count checker would say otherwise).
TEST(BMulticast, FaultFreeRunIsClean) {
  const auto r = run("none");
  EXPECT_FALSE(r.violation) << r.violation->checker << ": " << r.violation->message;
  EXPECT_GT(r.messages_sent, 100U);
}

// BM3: with every message duplicated by the network, nobody delivers twice.
TEST(BMulticast, DuplicatesAreDeliveredOnce) {
  const auto r = run("dup=0.5");
  EXPECT_FALSE(r.violation) << r.violation->checker << ": " << r.violation->message;
}

// BM4 (through the channel's checksum): corrupted frames are dropped, never delivered.
TEST(BMulticast, CorruptFramesAreNotDelivered) {
  const auto r = run("corrupt=0.2");
  EXPECT_FALSE(r.violation) << r.violation->checker << ": " << r.violation->message;
}

// A partition loses messages (allowed) but breaks no safety rule; after the heal ML1 holds.
TEST(BMulticast, PartitionLosesButHealsClean) {
  const auto r = run("@1s partition 1,2|3,4; @3s heal");
  EXPECT_FALSE(r.violation) << r.violation->checker << ": " << r.violation->message;
}

// Each mutant, in a fault-free or duplicating run, is reported by the checker the catalog names.
TEST(BMulticast, EveryMutantIsCaughtInAScriptedRun) {
  for (const auto& m : entry().mutants) {
    const auto r = run(m.tag == "BM3" ? "dup=0.5" : "none", {{"mutant", m.tag}});
    ASSERT_TRUE(r.violation) << m.tag << " went unnoticed";
    EXPECT_EQ(r.violation->checker, m.caught_by) << m.tag << ": " << r.violation->message;
  }
}

TEST(BMulticast, RefusesUnusableOptions) {
  EXPECT_FALSE(parse_bmulticast_options({{"interval", "0ms"}}));
  EXPECT_FALSE(parse_bmulticast_options({{"window", "0"}}));
  EXPECT_FALSE(parse_bmulticast_options({{"mutant", "BM9"}}));
  EXPECT_FALSE(parse_bmulticast_options({{"colour", "red"}}));
  EXPECT_TRUE(parse_bmulticast_options({{"interval", "5ms"}, {"mutant", "BM2"}}));
}

// Hand-made executions: each checker fires on the execution it exists to reject.
struct Exec {
  std::vector<ObsField> fields;
  Event obs(NodeId node, std::string_view what, std::initializer_list<ObsField> f,
            std::int64_t t = 0) {
    fields.assign(f);
    Event e;
    e.kind = EventKind::kObserve;
    e.node = node;
    e.protocol = kBMulticastProtocol;
    e.what = what;
    e.fields = fields;
    e.time_ns = t;
    return e;
  }
  static Event net(EventKind kind, NodeId node, NodeId peer, std::int64_t t = 0) {
    Event e;
    e.kind = kind;
    e.node = node;
    e.peer = peer;
    e.protocol = kBMulticastProtocol;
    e.time_ns = t;
    return e;
  }
};

TEST(MulticastCheckers, IntegrityRejectsUnsentTwiceAndPhantomDeliveries) {
  auto checkers = multicast_checkers();
  Checker& integrity = *checkers[0];
  Exec x;
  // A delivery of a message nobody sent.
  EXPECT_TRUE(integrity.on_event(Exec::net(EventKind::kDeliver, 2, 1)) == std::nullopt);
  EXPECT_TRUE(integrity.on_event(
      x.obs(2, "mc.deliver", {{"from", 1}, {"life", 7}, {"seq", 1}, {"hash", 5}})));
  // Sent, then delivered twice.
  auto fresh = multicast_checkers();
  Checker& c = *fresh[0];
  EXPECT_FALSE(c.on_event(x.obs(1, "mc.send", {{"life", 7}, {"seq", 1}, {"hash", 5}})));
  EXPECT_FALSE(c.on_event(Exec::net(EventKind::kDeliver, 2, 1)));
  EXPECT_FALSE(
      c.on_event(x.obs(2, "mc.deliver", {{"from", 1}, {"life", 7}, {"seq", 1}, {"hash", 5}})));
  EXPECT_FALSE(c.on_event(Exec::net(EventKind::kDeliver, 2, 1)));
  auto twice =
      c.on_event(x.obs(2, "mc.deliver", {{"from", 1}, {"life", 7}, {"seq", 1}, {"hash", 5}}));
  ASSERT_TRUE(twice);
  EXPECT_NE(twice->find("MI2"), std::string::npos);
  // A delivery with no network delivery before it (the protocol claims what never arrived).
  auto third = multicast_checkers();
  Checker& p = *third[0];
  EXPECT_FALSE(p.on_event(x.obs(1, "mc.send", {{"life", 7}, {"seq", 1}, {"hash", 5}})));
  auto phantom =
      p.on_event(x.obs(3, "mc.deliver", {{"from", 1}, {"life", 7}, {"seq", 1}, {"hash", 5}}));
  ASSERT_TRUE(phantom);
  EXPECT_NE(phantom->find("without a network delivery"), std::string::npos);
}

TEST(MulticastCheckers, CountAndDeliveryFire) {
  Exec x;
  auto checkers = multicast_checkers();
  Checker& count = *checkers[2];
  EXPECT_FALSE(count.on_event(x.obs(1, "mc.send", {{"life", 7}, {"seq", 1}, {"hash", 5}})));
  EXPECT_FALSE(count.on_event(Exec::net(EventKind::kSend, 1, 2)));
  const std::vector<NodeId> up{1, 2, 3};
  ASSERT_TRUE(count.at_quiescence(up, {}));  // 1 send in a group of 3: 2 expected

  Checker& delivery = *checkers[3];
  EXPECT_GT(delivery.liveness_window(), Duration(0));
  Event start = Exec::net(EventKind::kStart, 2, 0, 0);
  EXPECT_FALSE(delivery.on_event(start));
  Event heal = Exec::net(EventKind::kHeal, 0, 0, 1'000'000'000);
  EXPECT_FALSE(delivery.on_event(heal));
  EXPECT_FALSE(delivery.on_event(
      x.obs(1, "mc.send", {{"life", 7}, {"seq", 1}, {"hash", 5}}, 3'000'000'000)));
  EXPECT_FALSE(delivery.on_event(Exec::net(EventKind::kTimer, 1, 0, 9'000'000'000)));
  const std::vector<NodeId> live{2};
  ASSERT_TRUE(delivery.at_quiescence(live, {}));  // node 2 never delivered it
}

TEST(BMulticastSwarm, ThousandSeedsNoViolations) {
  sim::expect_swarm_clean(entry(), {}, {.nodes = 5});
}

}  // namespace
}  // namespace synod::multicast
