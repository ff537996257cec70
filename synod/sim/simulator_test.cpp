// Tests of the simulator's models. Each uses a scriptable probe protocol and checks one model
// (latency, loss, partitions, crash/storage, pause, clocks, clogging, checkers, determinism).
#include <gtest/gtest.h>

#include <functional>

#include "synod/sim/clock_model.hpp"
#include "synod/sim/simulator.hpp"

namespace synod::sim {
namespace {

std::int64_t ns(Duration d) { return d.count(); }

using std::chrono::milliseconds;

struct Record {
  std::int64_t true_ns;
  NodeId node;
  NodeId from;
  std::string what;
  std::int64_t local_ns = 0;
};

// A protocol whose behaviour is a set of lambdas; it logs what it sees into a shared list.
class Probe final : public Protocol {
 public:
  using Fn = std::function<void(Probe&, Context&)>;
  Probe(std::vector<Record>* log, Fn start, Fn recover = {})
      : log_(log), start_(std::move(start)), recover_(std::move(recover)) {}
  ProtocolId id() const override { return 5; }
  std::string_view name() const override { return "probe"; }
  void on_start(Context& ctx) override {
    if (start_) start_(*this, ctx);
  }
  void on_recover(Context& ctx) override {
    log_->push_back({0, ctx.self(), 0, "recover"});
    if (recover_) recover_(*this, ctx);
  }
  void on_message(Context& ctx, NodeId from, ByteView payload) override {
    log_->push_back({0, ctx.self(), from, synod::to_string(payload), ctx.now().ns});
    if (on_msg) on_msg(ctx, from, payload);
  }
  void on_timer(Context& ctx, std::uint64_t tag) override {
    log_->push_back({0, ctx.self(), 0, "timer" + std::to_string(tag), ctx.now().ns});
  }
  std::function<void(Context&, NodeId, ByteView)> on_msg;

 private:
  std::vector<Record>* log_;
  Fn start_;
  Fn recover_;
};

Bytes text(const std::string& s) { return Bytes(s.begin(), s.end()); }

struct Harness {
  std::vector<Record> log;
  std::function<void(NodeId, Probe&, Context&)> start;
  std::function<void(NodeId, Probe&, Context&)> recover;

  ProtocolFactory factory() {
    return [this](NodeId id) {
      std::vector<std::unique_ptr<Protocol>> v;
      v.push_back(std::make_unique<Probe>(
          &log,
          [this, id](Probe& p, Context& c) {
            if (start) start(id, p, c);
          },
          [this, id](Probe& p, Context& c) {
            if (recover) recover(id, p, c);
          }));
      return v;
    };
  }
};

SimOptions options(const std::string& faults, std::uint32_t nodes = 3, std::uint64_t seed = 1) {
  SimOptions o;
  o.seed = seed;
  o.nodes = nodes;
  o.duration = std::chrono::seconds(5);
  o.stabilize = std::chrono::seconds(1);
  o.plan = parse_fault_plan(faults, nodes).value();
  return o;
}

int count(const std::vector<Record>& log, const std::string& what) {
  int n = 0;
  for (const auto& r : log) n += r.what == what ? 1 : 0;
  return n;
}

TEST(Simulator, FixedLatencyDeliversAtSendTimePlusLatency) {
  Harness h;
  std::int64_t sent_local = 0;
  h.start = [&](NodeId id, Probe&, Context& c) {
    if (id == 1) {
      sent_local = c.now().ns;
      c.send(2, text("hi"));
    }
  };
  Simulator sim(options("latency=fixed:7ms"), h.factory());
  sim.run();
  ASSERT_EQ(count(h.log, "hi"), 1);
  // Node clocks are perfect here, but starts are staggered; compare on node 2's clock.
  for (const auto& r : h.log) {
    if (r.what == "hi") {
      EXPECT_EQ(r.node, 2U);
      EXPECT_EQ(r.from, 1U);
      EXPECT_EQ(r.local_ns - sent_local, ns(milliseconds(7)));
    }
  }
}

TEST(Simulator, LossDropsAndDuplicationDuplicates) {
  Harness h;
  h.start = [](NodeId id, Probe&, Context& c) {
    if (id == 1)
      for (int i = 0; i < 50; ++i) c.send(2, text("m"));
  };
  Simulator lossy(options("loss=1"), h.factory());
  auto r = lossy.run();
  EXPECT_EQ(count(h.log, "m"), 0);
  EXPECT_EQ(r.messages_dropped, 50U);

  Harness d;
  d.start = h.start;
  Simulator dup(options("dup=1"), d.factory());
  dup.run();
  EXPECT_EQ(count(d.log, "m"), 100);
}

// Sends to every peer from a timer: tag 1 at 1s ("during"), tag 2 at 3s ("after").
class Chatty final : public Protocol {
 public:
  explicit Chatty(std::vector<Record>* log) : log_(log) {}
  ProtocolId id() const override { return 6; }
  std::string_view name() const override { return "chatty"; }
  void on_start(Context& c) override {
    c.set_timer(milliseconds(1000), 1);
    c.set_timer(milliseconds(3000), 2);
  }
  void on_message(Context& c, NodeId from, ByteView p) override {
    log_->push_back({0, c.self(), from, synod::to_string(p)});
  }
  void on_timer(Context& c, std::uint64_t tag) override {
    for (NodeId peer : c.peers()) c.send(peer, text(tag == 1 ? "during" : "after"));
  }

 private:
  std::vector<Record>* log_;
};

ProtocolFactory chatty(std::vector<Record>* log) {
  return [log](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::make_unique<Chatty>(log));
    return v;
  };
}

TEST(Simulator, PartitionBlocksBothWaysAndHealRestores) {
  std::vector<Record> log;
  Simulator sim(options("@500ms partition 1|2,3; @2s heal"), chatty(&log));
  sim.run();
  int during_across = 0;
  int during_inside = 0;
  for (const auto& r : log) {
    if (r.what != "during") continue;
    const bool across = (r.node == 1) != (r.from == 1);
    (across ? during_across : during_inside)++;
  }
  EXPECT_EQ(during_across, 0);
  EXPECT_EQ(during_inside, 2);        // 2 <-> 3
  EXPECT_EQ(count(log, "after"), 6);  // healed: all 3 x 2 directed messages
}

TEST(Simulator, OneWayPartitionBlocksOneDirection) {
  std::vector<Record> log;
  Simulator sim(options("@100ms oneway 1>2", 2), chatty(&log));
  sim.run();
  int one_to_two = 0;
  int two_to_one = 0;
  for (const auto& r : log) (r.node == 2 ? one_to_two : two_to_one)++;
  EXPECT_EQ(one_to_two, 0);
  EXPECT_EQ(two_to_one, 2);  // "during" and "after": both before the end-of-phase heal at 5s
}

TEST(Simulator, CrashKeepsOnlySyncedStorageAndStaleTimersNeverFire) {
  Harness h;
  h.start = [](NodeId id, Probe&, Context& c) {
    if (id != 1) return;
    (void)c.storage().put("synced", text("yes"));
    (void)c.storage().sync();
    (void)c.storage().put("unsynced", text("lost"));
    (void)c.storage().put("synced", text("overwritten-unsynced"));
    c.set_timer(milliseconds(2000), 7);  // would fire after the crash
  };
  std::optional<Bytes> synced_after;
  std::optional<Bytes> unsynced_after;
  h.recover = [&](NodeId, Probe&, Context& c) {
    synced_after = c.storage().get("synced");
    unsynced_after = c.storage().get("unsynced");
  };
  Simulator sim(options("@1s crash 1; @1500ms restart 1"), h.factory());
  sim.run();
  ASSERT_TRUE(synced_after.has_value());
  EXPECT_EQ(*synced_after, text("yes"));
  EXPECT_FALSE(unsynced_after.has_value());
  EXPECT_EQ(count(h.log, "recover"), 1);
  EXPECT_EQ(count(h.log, "timer7"), 0);
  EXPECT_TRUE(sim.is_up(1));
}

TEST(Simulator, CrashedNodeDropsMessagesAndStaysDown) {
  Harness h;
  h.start = [](NodeId id, Probe&, Context& c) {
    if (id == 1) c.set_timer(milliseconds(2000), 1);
  };
  Simulator sim(options("@1s crash 2", 2), h.factory());
  sim.run();
  EXPECT_FALSE(sim.is_up(2));
  EXPECT_EQ(sim.node(2), nullptr);
  EXPECT_EQ(count(h.log, "timer1"), 1);
}

TEST(Simulator, PauseDefersTimersUntilResume) {
  Harness h;
  h.start = [](NodeId id, Probe&, Context& c) {
    if (id == 1) c.set_timer(milliseconds(1000), 1);
  };
  Simulator sim(options("@500ms pause 1; @3s resume 1", 1), h.factory());
  sim.start();
  sim.run_until(ns(milliseconds(2900)));
  EXPECT_EQ(count(h.log, "timer1"), 0);
  sim.run_until(ns(milliseconds(3001)));
  EXPECT_EQ(count(h.log, "timer1"), 1);
}

TEST(Simulator, ClockOffsetDriftAndStep) {
  Harness h;
  std::vector<std::int64_t> reads;
  h.start = [&](NodeId, Probe&, Context& c) {
    reads.push_back(c.now().ns);
    c.set_timer(milliseconds(1000), 1);
  };
  // Node 1: +1s offset and +1000 ppm; its 1s timer takes 1/1.001 s of true time.
  Simulator sim(options("clock 1 offset=1s,drift=1000; @3s step 1 -500ms", 1), h.factory());
  sim.start();
  sim.run_until(ns(milliseconds(20)));
  ASSERT_EQ(reads.size(), 1U);
  const std::int64_t start_local = reads[0];
  sim.run_until(ns(milliseconds(2000)));
  std::int64_t fired_local = 0;
  for (const auto& r : h.log) {
    if (r.what == "timer1") fired_local = r.local_ns;
  }
  EXPECT_NEAR(static_cast<double>(fired_local - start_local), 1e9, 2.0);  // 1s on its own clock
  EXPECT_GE(start_local, kSimEpochNs + 1'000'000'000);
  // A step moves the clock back by 0.5s at true 3s.
  sim.run_until(ns(milliseconds(2999)));
  const auto before = sim.node(1) != nullptr;
  EXPECT_TRUE(before);
}

TEST(Simulator, ClogHoldsMessagesUntilItEnds) {
  Harness h;
  h.start = [](NodeId id, Probe& p, Context& c) {
    if (id == 2) p.on_msg = [](Context&, NodeId, ByteView) {};
    if (id == 1) c.set_timer(milliseconds(1000), 1);
  };
  std::vector<Record> log;
  class Sender final : public Protocol {
   public:
    explicit Sender(std::vector<Record>* log) : log_(log) {}
    ProtocolId id() const override { return 6; }
    std::string_view name() const override { return "sender"; }
    void on_start(Context& c) override {
      if (c.self() == 1) c.set_timer(milliseconds(1000), 1);
    }
    void on_message(Context&, NodeId, ByteView) override { log_->push_back({0, 2, 1, "got"}); }
    void on_timer(Context& c, std::uint64_t) override { c.send(2, text("x")); }
    std::vector<Record>* log_;
  };
  Simulator sim(options("latency=fixed:1ms; @900ms clog 2 1s", 2), [&log](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::make_unique<Sender>(&log));
    return v;
  });
  sim.start();
  sim.run_until(ns(milliseconds(1850)));
  EXPECT_TRUE(log.empty());
  sim.run_until(ns(milliseconds(1950)));
  EXPECT_EQ(log.size(), 1U);
}

class FailOnSecondDelivery final : public Checker {
 public:
  std::string_view name() const override { return "test"; }
  std::optional<std::string> on_event(const Event& e) override {
    if (e.kind == EventKind::kDeliver && ++deliveries == 2) return "second delivery";
    return std::nullopt;
  }
  int deliveries = 0;
};

TEST(Simulator, CheckerViolationStopsTheRunAtThatEvent) {
  Harness h;
  h.start = [](NodeId id, Probe&, Context& c) {
    if (id == 1)
      for (int i = 0; i < 10; ++i) c.send(2, text("m"));
  };
  CheckerList checkers;
  checkers.push_back(std::make_unique<FailOnSecondDelivery>());
  Simulator sim(options("latency=uniform:1ms..3ms"), h.factory(), std::move(checkers));
  auto r = sim.run();
  ASSERT_TRUE(r.violation.has_value());
  EXPECT_EQ(r.violation->checker, "test");
  EXPECT_EQ(r.violation->message, "second delivery");
  EXPECT_EQ(count(h.log, "m"), 1);  // stopped before delivering the second
  EXPECT_GT(r.violation->event_seq, 0U);
}

TEST(Simulator, SameSeedSameTraceHashDifferentSeedDifferent) {
  auto run = [](std::uint64_t seed) {
    std::vector<Record> log;
    class Gossip final : public Protocol {
     public:
      ProtocolId id() const override { return 6; }
      std::string_view name() const override { return "g"; }
      void on_start(Context& c) override { c.set_timer(milliseconds(10), 1); }
      void on_message(Context&, NodeId, ByteView) override {}
      void on_timer(Context& c, std::uint64_t) override {
        c.send(c.peers()[c.rng().below(c.peers().size())], text("x"));
        c.set_timer(milliseconds(10 + static_cast<std::int64_t>(c.rng().below(10))), 1);
      }
    };
    Simulator sim(
        options("latency=uniform:1ms..9ms,loss=0.1,dup=0.05; @1s crash 2; @2s restart 2", 4, seed),
        [](NodeId) {
          std::vector<std::unique_ptr<Protocol>> v;
          v.push_back(std::make_unique<Gossip>());
          return v;
        });
    return sim.run();
  };
  const auto a = run(11);
  const auto b = run(11);
  const auto c = run(12);
  EXPECT_EQ(a.trace_hash, b.trace_hash);
  EXPECT_EQ(a.events, b.events);
  EXPECT_NE(a.trace_hash, c.trace_hash);
  EXPECT_GT(a.events, 1000U);
}

}  // namespace
}  // namespace synod::sim
