// The bully election under the simulator, as deployed (over the reliable channel), with the
// election checkers watching every event. Rules B1-B5 are those of bully.hpp (Coulouris et al.,
// "Distributed Systems", 15.3.2, after Garcia-Molina 1982).
#include <gtest/gtest.h>

#include "synod/election/election_catalog.hpp"
#include "synod/election/election_judges.hpp"
#include "synod/election/election_test_util.hpp"

namespace synod::election {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::at;
using testing::on;
using testing::Recorder;

const Bully& bully(sim::Simulator& s, NodeId n) { return on<Bully>(s, n); }

void expect_leader(sim::Simulator& s, std::initializer_list<NodeId> nodes, NodeId leader) {
  for (NodeId n : nodes) EXPECT_EQ(bully(s, n).leader(), leader) << "node " << n;
}

// A detector per node: `fast` nodes suspect a silent peer after ~150 ms, the others after ~1 s,
// so a test decides who notices a failure first.
testing::OptionsFor detection_order(std::initializer_list<NodeId> fast) {
  std::vector<NodeId> f(fast);
  return [f](NodeId id) {
    ElectionOptions o;
    const bool is_fast = std::find(f.begin(), f.end(), id) != f.end();
    o.detector.acceptable_pause = is_fast ? milliseconds(10) : milliseconds(800);
    o.detector.min_std_dev = milliseconds(5);
    return o;
  };
}

TEST(Bully, BootElectsTheHighestId) {
  // B1: every process begins an election when it starts; the highest wins.
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("none", 5), testing::deployed<Bully>(testing::same_options()),
                   testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  expect_leader(s, {1, 2, 3, 4, 5}, 5);
  EXPECT_EQ(epoch_leader(bully(s, 1).epoch()), 5U);
}

TEST(Bully, LeaderCrashElectsTheNextHighest) {
  // B1 + B2: the failure of the coordinator is noticed through the detector; 4 has nobody
  // higher alive, so it becomes coordinator with a newer epoch.
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@2s crash 5", 5),
                   testing::deployed<Bully>(testing::same_options()), testing::checkers_with(rec));
  s.start();
  s.run_until(at(milliseconds(1900)));
  const Epoch before = bully(s, 1).epoch();
  s.run_until(at(seconds(3)));
  expect_leader(s, {1, 2, 3, 4}, 4);
  EXPECT_GT(bully(s, 1).epoch(), before);
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
}

TEST(Bully, BestCaseTheSecondHighestSendsNMinus2Coordinators) {
  // Textbook best case: "the process with the second-highest identifier notices the
  // coordinator's failure. Then it can immediately elect itself and send n-2 coordinator
  // messages." Only 4 has a fast detector; the others learn of 4 before they notice.
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@2s crash 5", 5), testing::deployed<Bully>(detection_order({4})),
                   testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  expect_leader(s, {1, 2, 3, 4}, 4);
  const std::size_t n = 5;
  EXPECT_EQ(rec->count(MsgType::kCoordinator, seconds(2)), n - 2);
  EXPECT_EQ(rec->count(MsgType::kElection, seconds(2)), 0U);
  EXPECT_EQ(rec->count(MsgType::kAnswer, seconds(2)), 0U);
}

TEST(Bully, WorstCaseTheLowestNoticesFirstQuadraticMessages) {
  // Textbook worst case: "the process with the lowest identifier first detects the
  // coordinator's failure. Then n-1 processes altogether begin elections, each sending messages
  // to processes with higher identifiers": O(n^2) messages. Here 1 notices first (and so skips
  // the suspected 5); 2, 3 and 4 still ask 5 (they do not suspect it yet).
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@2s crash 5", 5), testing::deployed<Bully>(detection_order({1})),
                   testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  expect_leader(s, {1, 2, 3, 4}, 4);
  const std::size_t n = 5;
  const std::size_t elections = rec->count(MsgType::kElection, seconds(2));
  const std::size_t answers = rec->count(MsgType::kAnswer, seconds(2));
  const std::size_t coordinators = rec->count(MsgType::kCoordinator, seconds(2));
  // ELECTION: 1 -> {2,3,4}, 2 -> {3,4,5}, 3 -> {4,5}, 4 -> {5}: (n-1)(n-2)/2 + (n-2) = 9.
  EXPECT_EQ(elections, (n - 1) * (n - 2) / 2 + (n - 2));
  // ANSWER: each of 2, 3, 4 answers every lower live process: (n-1)(n-2)/2 = 6.
  EXPECT_EQ(answers, (n - 1) * (n - 2) / 2);
  EXPECT_EQ(coordinators, n - 2);
  EXPECT_LE(elections + answers + coordinators, n * n);
}

TEST(Bully, SuspicionOfEveryHigherProcessEndsTheAnswerWait) {
  // B2 with the detector: 1 notices first and asks 2-4; 4 then asks 5 (not yet suspected by 4)
  // and waits for an ANSWER. With a 10 s answer timeout, 4 still declares as soon as its own
  // detector suspects 5 (about 1 s), not when the timer fires.
  Recorder* rec = nullptr;
  auto order = detection_order({1});
  testing::OptionsFor slow_answers = [order](NodeId id) {
    ElectionOptions o = order(id);
    o.answer_timeout = seconds(10);
    return o;
  };
  sim::Simulator s(sim::scripted("@2s crash 5", 5), testing::deployed<Bully>(slow_answers),
                   testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  expect_leader(s, {1, 2, 3, 4}, 4);
  std::int64_t declared_at = 0;
  for (const auto& d : rec->declared) {
    if (d.t_ns >= at(seconds(2)) && d.node == 4) declared_at = d.t_ns;
  }
  ASSERT_NE(declared_at, 0);
  EXPECT_LT(declared_at, at(seconds(5)));  // well before 2 s + detection + the 10 s timer
}

TEST(Bully, SimultaneousDetectionBySeveralNodes) {
  // Everyone notices at about the same time (same detector settings): several elections run
  // concurrently (B3: a process already in an election does not begin another), one winner.
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@2s crash 5", 5),
                   testing::deployed<Bully>(testing::same_options()), testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  expect_leader(s, {1, 2, 3, 4}, 4);
  const std::size_t n = 5;
  EXPECT_GE(rec->count(MsgType::kCoordinator, seconds(2)), n - 2);
  EXPECT_LE(rec->count_all(seconds(2)), n * n);
  std::size_t declarations = 0;
  for (const auto& d : rec->declared) declarations += d.t_ns >= at(seconds(2)) ? 1 : 0;
  EXPECT_EQ(declarations, 1U);  // one new epoch for one failure
}

TEST(Bully, RecoveredHighestIdBullies) {
  // B2: "When a process is started to replace a crashed process, it begins an election. If it
  // has the highest process identifier, then it will decide that it is the coordinator and
  // announce this to the other processes" -- even though 4 is a working coordinator.
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@2s crash 5; @4s restart 5", 5),
                   testing::deployed<Bully>(testing::same_options()), testing::checkers_with(rec));
  s.start();
  s.run_until(at(milliseconds(3900)));
  expect_leader(s, {1, 2, 3, 4}, 4);
  const Epoch of_four = bully(s, 1).epoch();
  s.run_until(at(milliseconds(4100)));
  expect_leader(s, {1, 2, 3, 4, 5}, 5);
  EXPECT_GT(bully(s, 1).epoch(), of_four);  // the round survived the crash (persisted)
  // 5 asked nobody: it announced straight away to the n-1 lower processes.
  std::size_t from_five = 0;
  for (const auto& m : rec->msgs) {
    if (m.from == 5 && m.t_ns >= at(seconds(4))) {
      EXPECT_EQ(m.type, MsgType::kCoordinator);
      ++from_five;
    }
  }
  EXPECT_EQ(from_five, 4U);
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
}

TEST(Bully, PartitionElectsPerSideThenHealsToTheHighest) {
  // Without a quorum the minority side elects its own coordinator (a different epoch, so E1
  // holds); after the heal the highest id takes over everywhere.
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@1s partition 1,2|3,4,5; @4s heal", 5),
                   testing::deployed<Bully>(testing::same_options()), testing::checkers_with(rec));
  s.start();
  s.run_until(at(milliseconds(3900)));
  expect_leader(s, {1, 2}, 2);
  expect_leader(s, {3, 4, 5}, 5);
  s.run_until(at(seconds(6)));
  expect_leader(s, {1, 2, 3, 4, 5}, 5);
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
}

TEST(Bully, CoordinatorLostInTransitIsRepairedByHeartbeats) {
  // 4 is cut off from 1 when it announces; 1 learns of the new coordinator from the view every
  // heartbeat carries (adoption), without a new election.
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@1900ms oneway 4>1; @2s crash 5; @3s heal", 5),
                   testing::deployed<Bully>(detection_order({4})), testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  expect_leader(s, {1, 2, 3, 4}, 4);
}

TEST(Bully, LeaderRedeclaresWhenAFollowerNamesAHigherEpochOfTheSameRound) {
  // Regression (swarm seed 2697, 3 nodes): 3 recovers and declares 4.3 while 2 leads 4.2, then 3
  // dies; 1 follows the dead 4.3 and rejects 2's COORDINATOR(4.2) as older. 2 must notice the
  // higher epoch in 1's messages and declare a newer one (reconcile rule 4).
  Recorder* rec = nullptr;
  sim::Simulator s(
      sim::scripted(
          "latency=pareto:1005us..50005us,loss=0.199,dup=0,reorder=0.16; clock 1 "
          "offset=69ms,drift=-171; clock 2 offset=-322ms,drift=-138; clock 3 "
          "offset=125ms,drift=104; @108ms partition 1,2|3; @1419ms heal; @3205ms clog "
          "2 1771ms; @3860ms crash 1; @4851ms restart 1; @6591ms step 1 -834ms; @6658ms "
          "crash 3; @7759ms pause 3; @8566ms restart 3; @8657ms crash 3; @9401ms resume 3",
          3, 2697, seconds(10), seconds(5)),
      testing::deployed<Bully>(testing::same_options()), testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  expect_leader(s, {1, 2}, 2);
}

// Negative control: a bully that announces without persisting its round reuses an epoch after a
// crash; the checker (E2) catches it.
TEST(Bully, CheckerCatchesAnEpochReusedAfterACrash) {
  ElectionOptions broken;
  broken.unsafe_skip_sync = true;
  Recorder* rec = nullptr;
  sim::Simulator s(sim::scripted("@2s crash 5; @2100ms restart 5", 5),
                   testing::deployed<Bully>(testing::same_options(broken)),
                   testing::checkers_with(rec));
  const auto r = s.run();
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_NE(r.violation->message.find("E2"), std::string::npos) << r.violation->message;

  // The same scenario, correctly persisted: clean.
  sim::Simulator good(sim::scripted("@2s crash 5; @2100ms restart 5", 5),
                      testing::deployed<Bully>(testing::same_options()),
                      testing::checkers_with(rec));
  const auto ok = good.run();
  ASSERT_FALSE(ok.violation) << ok.violation->message;
}

TEST(Election, OptionsAndCatalog) {
  EXPECT_TRUE(parse_election_options({{"answer_timeout", "50ms"}, {"fd_phi", "10"}}));
  EXPECT_FALSE(parse_election_options({{"algo", "bully"}}));
  EXPECT_TRUE(parse_election_options({{"algo", "bully"}}, {"algo"}));
  EXPECT_FALSE(parse_election_options({{"start_delay", "-1ms"}}));
  EXPECT_TRUE(election_spec().make({{"algo", "ring"}}));
  EXPECT_FALSE(election_spec().make({{"algo", "paxos"}}));
  EXPECT_EQ(election_spec().make({{"algo", "ring"}}).value()->id(), Ring::kId);
}

// Options under which an election cannot work are refused with the reason (issue 11: "a timeout
// below one tick gives a livelock").
TEST(Election, RefusesUnusableOptionsWithTheReason) {
  const auto refused = [](ProtocolOptions opts, const std::string& says) {
    const auto r = parse_election_options(opts);
    ASSERT_FALSE(r) << says;
    EXPECT_NE(r.status().message().find(says), std::string::npos) << r.status().message();
  };
  refused({{"answer_timeout", "0ms"}}, "answer_timeout: must be positive");
  refused({{"answer_timeout", "500us"}}, "every process declares itself");
  refused({{"coordinator_timeout", "0s"}}, "coordinator_timeout: must be positive");
  refused({{"coordinator_timeout", "999us"}}, "coordinator_timeout below the 1 ms timer tick");
  refused({{"ring_timeout", "100us"}}, "ring_timeout below the 1 ms timer tick");
  refused({{"fd_interval", "10us"}}, "fd_interval below the 1 ms timer tick");
  refused({{"fd_interval", "2s"}}, "fd_bootstrap must exceed fd_interval");
  EXPECT_TRUE(parse_election_options({{"answer_timeout", "1ms"}, {"ring_timeout", "1ms"}}));
  // The catalog refuses them too, and a mutant only where the algorithm has that rule.
  EXPECT_FALSE(bully_spec().make({{"answer_timeout", "0s"}}));
  EXPECT_TRUE(bully_spec().make({{"mutant", "B3"}}));
  EXPECT_FALSE(bully_spec().make({{"mutant", "C3"}}));
  EXPECT_TRUE(ring_spec().make({{"mutant", "C3"}}));
  EXPECT_TRUE(election_spec().make({{"algo", "ring"}, {"mutant", "C1"}}));
}

}  // namespace
}  // namespace synod::election

namespace synod::election {
namespace {

// M1/M2 are not vacuous: a fault-free run whose nodes are all up before anyone elects is judged
// (and counted as judged) against the header's bounds, for both algorithms.
template <typename Algo>
void expect_judged_within_bounds(Algorithm a) {
  ElectionOptions o;
  o.start_delay = std::chrono::seconds(5);
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    CheckerList list = election_checkers(o, a);
    const Checker* messages = list[4].get();
    ASSERT_EQ(messages->name(), "election-messages");
    sim::Simulator s(sim::scripted("none", 5, seed, std::chrono::seconds(8)),
                     testing::deployed<Algo>(testing::same_options(o)), std::move(list));
    const auto r = s.run();
    ASSERT_FALSE(r.violation) << r.violation->message;
    std::uint64_t judged = 0;
    for (const auto& v : messages->verdicts()) judged += v.kind == "judged" ? v.count : 0;
    EXPECT_GE(judged, 1U) << "seed " << seed;
  }
}

TEST(Election, MessageCountsAreJudgedOverAFailureFreeElection) {
  expect_judged_within_bounds<Bully>(Algorithm::kBully);
  expect_judged_within_bounds<Ring>(Algorithm::kRing);
  const MessageBounds b = message_bounds(Algorithm::kRing, 5);
  EXPECT_EQ(b.total, 14U);  // 3n-1
}

}  // namespace
}  // namespace synod::election
