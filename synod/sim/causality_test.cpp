// The simulator stamps every node event with Lamport and vector clocks. Property (the textbook's
// clock conditions) on random executions with faults: for node events e, f,
//   e -> f  implies  L(e) < L(f)        and        e -> f  iff  V(e) < V(f),
// where -> is computed independently: program order per node plus send -> deliver (by msg_id),
// closed transitively.
#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "synod/causal/vector_clock.hpp"
#include "synod/sim/simulator.hpp"

namespace synod::sim {
namespace {

struct Recorded {
  NodeId node;
  EventKind kind;
  std::uint64_t msg_id;
  std::uint64_t lamport;
  causal::VectorClock vclock;
};

class Recorder final : public Checker {
 public:
  explicit Recorder(std::vector<Recorded>* out) : out_(out) {}
  std::string_view name() const override { return "recorder"; }
  std::optional<std::string> on_event(const Event& e) override {
    if (e.lamport == 0) return std::nullopt;  // network events carry no stamp
    auto vc = causal::VectorClock::from_entries({e.vclock.begin(), e.vclock.end()});
    if (!vc) return "bad vector clock in event";
    out_->push_back({e.node, e.kind, e.msg_id, e.lamport, std::move(*vc)});
    return std::nullopt;
  }

 private:
  std::vector<Recorded>* out_;
};

class Gossip final : public Protocol {
 public:
  ProtocolId id() const override { return 6; }
  std::string_view name() const override { return "gossip"; }
  void on_start(Context& c) override { c.set_timer(std::chrono::milliseconds(5), 1); }
  void on_message(Context& c, NodeId, ByteView) override {
    if (c.rng().chance(0.3)) c.observe("local", {});
  }
  void on_timer(Context& c, std::uint64_t) override {
    c.send(c.peers()[c.rng().below(c.peers().size())], Bytes{1});
    c.set_timer(std::chrono::milliseconds(5 + static_cast<std::int64_t>(c.rng().below(20))), 1);
  }
};

// Transitive closure over events in execution order (every edge goes forward in it).
std::vector<std::vector<bool>> happened_before(const std::vector<Recorded>& ev) {
  const std::size_t n = ev.size();
  std::vector<std::vector<bool>> hb(n, std::vector<bool>(n, false));
  std::map<NodeId, std::size_t> last_on_node;
  std::map<std::uint64_t, std::size_t> send_of;
  for (std::size_t j = 0; j < n; ++j) {
    std::vector<std::size_t> preds;
    if (auto it = last_on_node.find(ev[j].node); it != last_on_node.end())
      preds.push_back(it->second);
    if (ev[j].kind == EventKind::kDeliver) preds.push_back(send_of.at(ev[j].msg_id));
    for (std::size_t p : preds) {
      hb[p][j] = true;
      for (std::size_t i = 0; i < j; ++i) {
        if (hb[i][p]) hb[i][j] = true;
      }
    }
    last_on_node[ev[j].node] = j;
    if (ev[j].kind == EventKind::kSend) send_of[ev[j].msg_id] = j;
  }
  return hb;
}

TEST(SimCausality, ClockConditionsHoldOnRandomExecutions) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    std::vector<Recorded> events;
    CheckerList checkers;
    checkers.push_back(std::make_unique<Recorder>(&events));
    SimOptions o;
    o.seed = seed;
    o.nodes = 4;
    o.duration = std::chrono::milliseconds(1000);
    o.stabilize = std::chrono::milliseconds(100);
    o.stamp = true;
    o.plan = parse_fault_plan(
                 "latency=uniform:1ms..30ms,loss=0.1,dup=0.1; @100ms crash 2; @150ms restart 2", 4)
                 .value();
    Simulator sim(
        o,
        [](NodeId) {
          std::vector<std::unique_ptr<Protocol>> v;
          v.push_back(std::make_unique<Gossip>());
          return v;
        },
        std::move(checkers));
    ASSERT_FALSE(sim.run().violation);
    ASSERT_GT(events.size(), 600U);
    const auto hb = happened_before(events);
    std::size_t related = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      for (std::size_t j = 0; j < events.size(); ++j) {
        if (i == j) continue;
        const bool before = hb[i][j];
        related += before ? 1 : 0;
        if (before) {
          ASSERT_LT(events[i].lamport, events[j].lamport) << "seed " << seed;  // clock condition
        }
        ASSERT_EQ(before, events[i].vclock.happened_before(events[j].vclock))
            << "seed " << seed << " events " << i << "," << j;  // strong clock condition
      }
    }
    EXPECT_GT(related, events.size());  // the execution really has causal chains
  }
}

}  // namespace
}  // namespace synod::sim
