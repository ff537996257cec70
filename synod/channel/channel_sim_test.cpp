// The channels under the simulator: scripted faults (loss, duplication, reordering, partitions,
// crashes of receiver and sender, bit corruption), negative controls that prove the checker bites,
// and the acceptance sweep of 1,000 swarm seeds.
#include <gtest/gtest.h>

#include "synod/channel/best_effort_channel.hpp"
#include "synod/channel/channel_checker.hpp"
#include "synod/channel/channel_observations.hpp"
#include "synod/channel/reliable_channel.hpp"
#include "synod/channel/stream_workload.hpp"
#include "synod/core/hash.hpp"
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

// Negative control (test-only): a "channel" that numbers messages but neither deduplicates nor
// retransmits. Its observations follow the channel schema, so the reliable checker must catch it
// duplicating under dup faults and losing under loss.
class NaiveChannel final : public Protocol {
 public:
  explicit NaiveChannel(bool dedup) : dedup_(dedup) {}
  ProtocolId id() const override { return StreamWorkload::kId; }
  std::string_view name() const override { return "naive"; }
  void on_start(Context& ctx) override {
    session_ = ctx.rng().next() | 1U;
    ctx.observe(kObsSession, {{"ss", as_field(session_)}});
    ctx.set_timer(std::chrono::milliseconds(20), 0);
  }
  void on_timer(Context& ctx, std::uint64_t) override {
    ctx.set_timer(std::chrono::milliseconds(20), 0);
    const NodeId to = ctx.peers()[ctx.rng().below(ctx.peers().size())];
    auto& known = known_[to];
    if (known == 0) return;  // learns the peer's session from its first message
    const std::uint64_t seq = ++next_[to];
    Bytes b(16);
    for (int i = 0; i < 8; ++i) {
      b[i] = static_cast<std::uint8_t>(session_ >> (8 * i));
      b[8 + i] = static_cast<std::uint8_t>(seq >> (8 * i));
    }
    ctx.observe(kObsSend, {{"peer", to},
                           {"seq", as_field(seq)},
                           {"ss", as_field(session_)},
                           {"ds", as_field(known)},
                           {"hash", as_field(hash64(b))}});
    ctx.send(to, b);
  }
  void on_message(Context& ctx, NodeId from, ByteView p) override {
    std::uint64_t ss = 0;
    std::uint64_t seq = 0;
    for (int i = 0; i < 8; ++i) {
      ss |= static_cast<std::uint64_t>(p[i]) << (8 * i);
      seq |= static_cast<std::uint64_t>(p[8 + i]) << (8 * i);
    }
    if (dedup_ && seq <= last_[from]) return;
    last_[from] = seq;
    ctx.observe(kObsDeliver, {{"peer", from},
                              {"seq", as_field(seq)},
                              {"ss", as_field(ss)},
                              {"ds", as_field(session_)},
                              {"hash", as_field(hash64(p))}});
  }

  // Test shortcut: everyone knows everyone's session from the start (one life each).
  std::map<NodeId, std::uint64_t> known_;

 private:
  bool dedup_;
  std::uint64_t session_ = 0;
  std::map<NodeId, std::uint64_t> next_;
  std::map<NodeId, std::uint64_t> last_;
};

sim::ProtocolFactory naive(bool dedup) {
  return [dedup](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::make_unique<NaiveChannel>(dedup));
    return v;
  };
}

TEST(ChannelCheckerSim, CatchesAChannelWithoutDeduplication) {
  // Sessions are drawn from each node's rng; read them back from the observation stream by
  // running a recorder checker alongside.
  class SessionTap final : public Checker {
   public:
    explicit SessionTap(std::map<NodeId, std::uint64_t>* out) : out_(out) {}
    std::string_view name() const override { return "tap"; }
    std::optional<std::string> on_event(const Event& e) override {
      if (e.kind == EventKind::kObserve && e.what == kObsSession) {
        (*out_)[e.node] = static_cast<std::uint64_t>(obs_get(e.fields, "ss"));
      }
      return std::nullopt;
    }

   private:
    std::map<NodeId, std::uint64_t>* out_;
  };
  for (bool dedup : {false, true}) {
    std::map<NodeId, std::uint64_t> sessions;
    CheckerList checkers = reliable_channel_checkers();
    checkers.push_back(std::make_unique<SessionTap>(&sessions));
    sim::Simulator s(opts(dedup ? "loss=0.2" : "dup=0.2", 3, 9), naive(dedup), std::move(checkers));
    s.run_until(std::chrono::nanoseconds(std::chrono::milliseconds(15)).count());  // all started
    for (NodeId a = 1; a <= 3; ++a) {
      auto* n = static_cast<NaiveChannel*>(s.node(a)->find(StreamWorkload::kId));
      for (const auto& [b, ss] : sessions) {
        if (b != a) n->known_[b] = ss;
      }
    }
    const auto r = s.run();
    ASSERT_TRUE(r.violation) << "dedup=" << dedup;
    // Without dedup the network's duplicates surface; with dedup but no retransmission, losses do.
    EXPECT_NE(r.violation->message.find(dedup ? "loss" : "duplicate"), std::string::npos)
        << r.violation->message;
  }
}

// Acceptance: 1,000 swarm seeds on 5 nodes (each its own mix of loss, duplication, reordering,
// latency shapes, partitions, crashes/restarts, pauses, clogs and clock faults), zero violations,
// and the first seed replays to the same trace hash.
TEST(ReliableChannelSim, SwarmThousandSeedsNoViolations) {
  sim::SweepOptions so;
  so.seeds = sim::acceptance_seeds();
  so.nodes = 5;
  so.duration = std::chrono::seconds(10);
  so.stabilize = std::chrono::seconds(5);
  const auto r = sim::run_sweep(so, reliable_stream(), [] { return reliable_channel_checkers(); });
  for (const auto& v : r.violations) {
    ADD_FAILURE() << "seed " << v.seed << " [" << v.violation.checker << "] " << v.violation.message
                  << "\n  faults: " << v.faults;
  }
  EXPECT_EQ(r.seeds, so.seeds);
  EXPECT_TRUE(r.replay_matches);
  EXPECT_GT(r.events, so.seeds * 1000);
  std::printf(
      "reliable-stream swarm: %llu seeds, %llu events, %.1fs wall, %.0f events/s, trace hash "
      "%016llx\n",
      static_cast<unsigned long long>(r.seeds), static_cast<unsigned long long>(r.events),
      r.wall_seconds, r.events_per_sec(), static_cast<unsigned long long>(r.first_trace_hash));
}

}  // namespace
}  // namespace synod::channel
