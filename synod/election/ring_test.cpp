// The Chang-Roberts ring election under the simulator, as deployed (over the reliable channel),
// with the election checkers watching every event. Rules C1-C6 are those of ring.hpp (Coulouris et
// al., "Distributed Systems", 15.3.1, after Chang and Roberts 1979).
#include <gtest/gtest.h>

#include "synod/election/election_test_util.hpp"

namespace synod::election {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::at;
using testing::on;
using testing::Recorder;

const Ring& ring(sim::Simulator& s, NodeId n) { return on<Ring>(s, n); }

void expect_leader(sim::Simulator& s, std::initializer_list<NodeId> nodes, NodeId leader) {
  for (NodeId n : nodes) EXPECT_EQ(ring(s, n).leader(), leader) << "node " << n;
}

// Only `initiator` holds an election when it starts; the others wait 2 s (by then they have a
// leader, so they never begin one): one election, no failures.
testing::OptionsFor single_initiator(NodeId initiator) {
  return [initiator](NodeId id) {
    ElectionOptions o;
    o.start_delay = id == initiator ? Duration::zero() : Duration(seconds(2));
    return o;
  };
}

TEST(Ring, OneElectionWithoutFailuresCostsBetween2nAnd3nMinus1Messages) {
  // Textbook: "If only a single process starts an election, then the worst-performing case is
  // when its anti-clockwise neighbour has the highest identifier. A total of n-1 messages are
  // then required to reach this neighbour [...] a further n messages [...] The elected message
  // is then sent n times, making 3n-1 messages in all." Best case (the highest starts): 2n.
  const std::size_t n = 5;
  for (NodeId initiator = 1; initiator <= n; ++initiator) {
    Recorder* rec = nullptr;
    sim::Simulator s(sim::scripted("none", n), testing::deployed<Ring>(single_initiator(initiator)),
                     testing::checkers_with(rec));
    const auto r = s.run();
    ASSERT_FALSE(r.violation) << r.violation->message;
    expect_leader(s, {1, 2, 3, 4, 5}, 5);
    const std::size_t elections = rec->count(MsgType::kRingElection);
    const std::size_t elected = rec->count(MsgType::kElected);
    EXPECT_EQ(elected, n) << "initiator " << initiator;
    // Hops from the initiator to the highest (5), then n for 5's own ELECTION.
    EXPECT_EQ(elections, (n - initiator) + n) << "initiator " << initiator;
    EXPECT_GE(elections + elected, 2 * n);
    EXPECT_LE(elections + elected, 3 * n - 1);
    EXPECT_EQ(rec->declared.size(), 1U);
  }
}

TEST(Ring, BootWithEveryoneInitiatingElectsTheHighest) {
  // C1/C2: concurrent initiators; participants discard lower ids, so one ELECTION survives.
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("none", 5), testing::deployed<Ring>(testing::same_options()),
                   testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  expect_leader(s, {1, 2, 3, 4, 5}, 5);
  EXPECT_EQ(rec->declared.size(), 1U);
  EXPECT_LE(rec->count_all(Duration::zero()), 5U * 5U);  // O(n^2) at worst
}

TEST(Ring, LeaderCrashElectsTheNextHighestSkippingTheDeadNode) {
  // The successor of 4 is 5; once 5 is suspected, 4's successor is 1 (the ring skips it).
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@2s crash 5", 5),
                   testing::deployed<Ring>(testing::same_options()), testing::checkers_with(rec));
  s.start();
  s.run_until(at(milliseconds(1900)));
  const Epoch before = ring(s, 1).epoch();
  s.run_until(at(seconds(3)));
  expect_leader(s, {1, 2, 3, 4}, 4);
  EXPECT_GT(ring(s, 1).epoch(), before);
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
}

TEST(Ring, SuccessorSkipsSuspectedNodes) {
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@1s crash 3; @3s crash 5", 5),
                   testing::deployed<Ring>(testing::same_options()), testing::checkers_with(rec));
  s.start();
  s.run_until(at(milliseconds(2500)));
  EXPECT_TRUE(ring(s, 2).detector().suspected(3));  // 3 is down: 2's successor is now 4
  s.run_until(at(seconds(5)));
  expect_leader(s, {1, 2, 4}, 4);
  for (const auto& m : rec->msgs) {
    if (m.t_ns >= at(seconds(3))) {
      EXPECT_NE(m.to, 3U) << "message to the suspected node 3";
    }
  }
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
}

TEST(Ring, ElectionLostWithACrashedForwarderIsRestarted) {
  // C6: 3 crashes while the ring election of a new leader passes through it: a participant's
  // timeout begins a new election that skips 3.
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@2s crash 5; @2350ms crash 3", 5),
                   testing::deployed<Ring>(testing::same_options()), testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  expect_leader(s, {1, 2, 4}, 4);
}

TEST(Ring, RecoveredHighestIdIsElectedAgain) {
  // C1: the recovering process begins an election; its id is the highest, so it wins.
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@2s crash 5; @4s restart 5", 5),
                   testing::deployed<Ring>(testing::same_options()), testing::checkers_with(rec));
  s.start();
  s.run_until(at(milliseconds(3900)));
  expect_leader(s, {1, 2, 3, 4}, 4);
  const Epoch of_four = ring(s, 1).epoch();
  s.run_until(at(seconds(5)));
  expect_leader(s, {1, 2, 3, 4, 5}, 5);
  EXPECT_GT(ring(s, 1).epoch(), of_four);
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
}

TEST(Ring, PartitionElectsPerSideThenHealsToTheHighest) {
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@1s partition 1,2|3,4,5; @4s heal", 5),
                   testing::deployed<Ring>(testing::same_options()), testing::checkers_with(rec));
  s.start();
  s.run_until(at(milliseconds(3900)));
  expect_leader(s, {1, 2}, 2);
  expect_leader(s, {3, 4, 5}, 5);
  s.run_until(at(seconds(6)));
  expect_leader(s, {1, 2, 3, 4, 5}, 5);
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
}

TEST(Ring, SimultaneousDetectionBySeveralNodes) {
  // Every survivor notices 7's crash at about the same time and initiates (C1); participants
  // discard the lower ELECTIONs (C2), so 6 is declared once.
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@2s crash 7", 7),
                   testing::deployed<Ring>(testing::same_options()), testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  expect_leader(s, {1, 2, 3, 4, 5, 6}, 6);
  std::size_t declarations = 0;
  for (const auto& d : rec->declared) declarations += d.t_ns >= at(seconds(2)) ? 1 : 0;
  EXPECT_EQ(declarations, 1U);
  const std::size_t n = 6;  // live processes
  EXPECT_GE(rec->count_all(seconds(2)), 2 * n);
  EXPECT_LE(rec->count_all(seconds(2)), n * n);
}

// Negative control: announcing without persisting the round reuses an epoch after a crash (E2).
// 5 restarts cut off from everyone, so no ELECTION can bring it the ring's rounds: only its
// durable round could keep it from declaring epoch 1.5 a second time.
TEST(Ring, CheckerCatchesAnEpochReusedAfterACrash) {
  ElectionOptions broken;
  broken.unsafe_skip_sync = true;
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@2s crash 5; @2100ms partition 5|1,2,3,4; @2200ms restart 5", 5),
                   testing::deployed<Ring>(testing::same_options(broken)),
                   testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_NE(r.violation->message.find("E2"), std::string::npos) << r.violation->message;

  // The same scenario, correctly persisted: clean.
  sim::Simulator good(
      sim::scripted("@2s crash 5; @2100ms partition 5|1,2,3,4; @2200ms restart 5", 5),
      testing::deployed<Ring>(testing::same_options()), testing::checkers_with(rec));
  const auto ok = good.run();
  ASSERT_FALSE(ok.violation) << ok.violation->message;
}

}  // namespace
}  // namespace synod::election
