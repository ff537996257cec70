// The channels under the simulator: scripted faults (loss, duplication, reordering, partitions,
// crashes of receiver and sender, bit corruption), negative controls that prove the checker bites,
// and the acceptance sweep of 1,000 swarm seeds.
#include <gtest/gtest.h>

#include "synod/channel/best_effort_channel.hpp"
#include "synod/channel/channel_catalog.hpp"
#include "synod/channel/channel_checker.hpp"
#include "synod/channel/channel_observations.hpp"
#include "synod/channel/reliable_channel.hpp"
#include "synod/channel/stream_workload.hpp"
#include "synod/core/hash.hpp"
#include "synod/sim/swarm_test_util.hpp"
#include "synod/sim/sweep.hpp"
#include "synod/sim/testing.hpp"

namespace synod::channel {
namespace {

sim::ProtocolFactory reliable_stream(ReliableOptions c = {}, StreamWorkloadOptions w = {}) {
  return [c, w](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::make_unique<ReliableChannel>(std::make_unique<StreamWorkload>(w), c));
    return v;
  };
}

sim::ProtocolFactory best_effort_stream() {
  return [](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::make_unique<BestEffortChannel>(
        std::make_unique<StreamWorkload>(StreamWorkloadOptions{}), BestEffortOptions{}));
    return v;
  };
}

sim::SimOptions opts(const std::string& faults, std::uint32_t nodes, std::uint64_t seed = 1) {
  return sim::scripted(faults, nodes, seed, std::chrono::seconds(8), std::chrono::seconds(5));
}

const ReliableChannel& rel(sim::Simulator& s, NodeId id) {
  return *static_cast<const ReliableChannel*>(s.node(id)->find(StreamWorkload::kId));
}
const StreamWorkload& work(sim::Simulator& s, NodeId id) {
  return static_cast<const StreamWorkload&>(rel(s, id).inner());
}

// Sums a stat over the live nodes at the end of a run.
template <typename F>
std::uint64_t total(sim::Simulator& s, std::uint32_t nodes, F f) {
  std::uint64_t n = 0;
  for (NodeId id = 1; id <= nodes; ++id) {
    if (s.is_up(id)) n += f(id);
  }
  return n;
}

sim::SimResult run_reliable(const std::string& faults, std::uint32_t nodes, std::uint64_t seed,
                            std::unique_ptr<sim::Simulator>* keep = nullptr,
                            ReliableOptions c = {}) {
  auto s = std::make_unique<sim::Simulator>(opts(faults, nodes, seed), reliable_stream(c),
                                            reliable_channel_checkers());
  auto r = s->run();
  if (keep != nullptr) *keep = std::move(s);
  return r;
}

TEST(ReliableChannelSim, HealthyNetworkDeliversEverything) {
  std::unique_ptr<sim::Simulator> s;
  const auto r = run_reliable("none", 3, 1, &s);
  ASSERT_FALSE(r.violation) << r.violation->message;
  const auto sent = total(*s, 3, [&](NodeId id) { return rel(*s, id).stats().sent; });
  const auto delivered = total(*s, 3, [&](NodeId id) { return rel(*s, id).stats().delivered; });
  EXPECT_GT(sent, 600U);            // ~20 messages/s per node for 13 s
  EXPECT_LE(sent - delivered, 3U);  // at most the last few are still in flight at the end
  EXPECT_EQ(total(*s, 3, [&](NodeId id) { return rel(*s, id).stats().retransmissions; }), 0U);
}

TEST(ReliableChannelSim, ThirtyPercentLoss) {
  std::unique_ptr<sim::Simulator> s;
  const auto r = run_reliable("loss=0.3", 3, 2, &s);
  ASSERT_FALSE(r.violation) << r.violation->message;
  const auto sent = total(*s, 3, [&](NodeId id) { return rel(*s, id).stats().sent; });
  EXPECT_LE(sent - total(*s, 3, [&](NodeId id) { return rel(*s, id).stats().delivered; }), 3U);
  EXPECT_GT(total(*s, 3, [&](NodeId id) { return rel(*s, id).stats().retransmissions; }),
            sent / 10);
}

TEST(ReliableChannelSim, DuplicationAndReordering) {
  std::unique_ptr<sim::Simulator> s;
  const auto r = run_reliable("dup=0.2,reorder=0.3,latency=pareto:1ms..100ms", 4, 3, &s);
  ASSERT_FALSE(r.violation) << r.violation->message;
  EXPECT_GT(total(*s, 4, [&](NodeId id) { return rel(*s, id).stats().duplicates; }), 0U);
}

TEST(ReliableChannelSim, PartitionReportsUnreachableAndHealsWithoutLoss) {
  std::unique_ptr<sim::Simulator> s;
  ReliableOptions small;
  small.window = 16;
  const auto r = run_reliable("loss=0.05; @1s partition 1,2|3,4; @6s heal", 4, 4, &s, small);
  ASSERT_FALSE(r.violation) << r.violation->message;
  EXPECT_GT(work(*s, 1).stats().unreachable, 0U);
  EXPECT_GT(work(*s, 1).stats().blocked, 0U);   // the window to 3 and 4 filled up
  EXPECT_GT(work(*s, 1).stats().writable, 0U);  // and drained after the heal
}

TEST(ReliableChannelSim, ReceiverCrashIsReportedToSenders) {
  std::unique_ptr<sim::Simulator> s;
  const auto r = run_reliable("loss=0.1; @2s crash 3; @3s restart 3", 3, 5, &s);
  ASSERT_FALSE(r.violation) << r.violation->message;
  EXPECT_GT(work(*s, 1).stats().restarted + work(*s, 2).stats().restarted, 0U);
  EXPECT_GT(rel(*s, 3).stats().delivered, 100U);  // the new life receives new streams
}

TEST(ReliableChannelSim, SenderCrashStartsNewStreams) {
  std::unique_ptr<sim::Simulator> s;
  const auto r = run_reliable(
      "dup=0.1,reorder=0.2; @2s crash 1; @2500ms restart 1; @4s crash 2; @4100ms restart 2", 3, 6,
      &s);
  ASSERT_FALSE(r.violation) << r.violation->message;
  EXPECT_GT(work(*s, 3).received_from().at(1), 100U);
}

TEST(ReliableChannelSim, CorruptionIsDetectedNotDelivered) {
  std::unique_ptr<sim::Simulator> s;
  const auto r = run_reliable("corrupt=0.05,loss=0.05", 3, 7, &s);
  ASSERT_FALSE(r.violation) << r.violation->message;
  EXPECT_GT(total(*s, 3, [&](NodeId id) { return rel(*s, id).stats().corrupt; }), 10U);
}

TEST(BestEffortChannelSim, CorruptionNeverReachesTheApp) {
  sim::Simulator s(opts("corrupt=0.05,dup=0.05,loss=0.1,reorder=0.2", 4, 8), best_effort_stream(),
                   best_effort_channel_checkers());
  const auto r = s.run();
  ASSERT_FALSE(r.violation) << r.violation->message;
  std::uint64_t corrupt = 0;
  for (NodeId id = 1; id <= 4; ++id) {
    corrupt += static_cast<const BestEffortChannel*>(s.node(id)->find(StreamWorkload::kId))
                   ->stats()
                   .corrupt;
  }
  EXPECT_GT(corrupt, 10U);
}

// Negative control (test-only): a channel that hands the application damaged bytes but reports
// in its own ch.deliver the hash of what was sent, and numbers its ch.* observations perfectly.
// A checker that believed ch.deliver passed it; the application's own hash of what it received
// (stream.recv) gives it away.
class LyingChannel final : public ChannelLayer {
 public:
  explicit LyingChannel(std::unique_ptr<Protocol> inner) : ChannelLayer(std::move(inner)) {}
  void on_start(Context& ctx) override {
    ctx.observe(kObsSession, {{"ss", 1}});
    inner_start(ctx, false);
  }
  void on_message(Context& ctx, NodeId from, ByteView payload) override {
    Bytes b(payload.begin(), payload.end());
    const std::uint64_t seq = ++received_[from];
    ctx.observe(kObsDeliver, {{"peer", from},
                              {"seq", as_field(seq)},
                              {"ss", 1},
                              {"ds", 1},
                              {"hash", as_field(hash64(b))}});
    b.back() ^= 1U;  // the lie: what the application gets is not what was reported
    inner_message(ctx, from, b);
  }

 protected:
  void app_send(Context& base, NodeId to, Bytes payload) override { base.send(to, payload); }
  bool app_writable(NodeId) const override { return true; }
  void on_channel_timer(Context&, TimerTag) override {}

 private:
  std::map<NodeId, std::uint64_t> received_;
};

TEST(ChannelCheckerSim, JudgesWhatTheApplicationReceivedNotWhatTheChannelSays) {
  const sim::ProtocolFactory lying = [](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::make_unique<LyingChannel>(std::make_unique<StreamWorkload>(
        StreamWorkloadOptions{.interval = std::chrono::milliseconds(50), .max_size = 64})));
    return v;
  };
  for (bool reliable : {true, false}) {
    sim::Simulator s(opts("none", 3, 9), lying,
                     reliable ? reliable_channel_checkers() : best_effort_channel_checkers());
    const auto r = s.run();
    ASSERT_TRUE(r.violation) << "reliable=" << reliable;
    EXPECT_NE(r.violation->message.find("other bytes than were sent"), std::string::npos)
        << r.violation->message;
  }
}

TEST(ChannelOptions, UnusableOptionsAreRefusedWithTheReason) {
  const auto make = [](const ProtocolSpec& spec, ProtocolOptions o) {
    return spec.make(o).status();
  };
  const auto rel = reliable_stream_spec();
  const auto be = best_effort_stream_spec();
  EXPECT_NE(make(rel, {{"max_size", "70000"}}).message().find("exceeds max_payload"),
            std::string::npos);
  EXPECT_NE(make(be, {{"max_payload", "100"}}).message().find("exceeds max_payload"),
            std::string::npos);
  EXPECT_NE(make(rel, {{"give_up", "0s"}}).message().find("give_up"), std::string::npos);
  EXPECT_NE(make(rel, {{"rto_min", "0s"}}).message().find("rto_min"), std::string::npos);
  EXPECT_NE(make(rel, {{"interval", "0s"}}).message().find("interval"), std::string::npos);
  EXPECT_NE(make(rel, {{"mutant", "B9"}}).message().find("not a rule"), std::string::npos);
  EXPECT_TRUE(make(rel, {{"mutant", "RC1"}}).is_ok());
}

// Acceptance: 1,000 swarm seeds on 5 nodes (each its own mix of loss, duplication, reordering,
// latency shapes, partitions, crashes/restarts, pauses, clogs and clock faults), zero violations,
// and the first seed replays to the same trace hash.
TEST(ReliableChannelSim, SwarmThousandSeedsNoViolations) {
  const auto r = sim::expect_swarm_clean(catalog()[0], {}, {.nodes = 5});
  EXPECT_GT(r.events, r.seeds * 1000);
}

TEST(BestEffortChannelSim, SwarmThousandSeedsNoViolations) {
  const auto r = sim::expect_swarm_clean(catalog()[1], {}, {.nodes = 5});
  EXPECT_GT(r.events, r.seeds * 1000);
}

}  // namespace
}  // namespace synod::channel
