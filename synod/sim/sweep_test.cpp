// Sweeps as users see them: bad inputs refused (validate_sweep), a protocol assertion inside one
// seed reported with its seed, faults and event while the sweep goes on and still gives its JSON,
// the replay line that carries every setting, and the note that the stabilisation phase was raised.
#include <gtest/gtest.h>

#include <set>

#include "synod/core/assert.hpp"
#include "synod/sim/sweep.hpp"
#include "synod/sim/sweep_report.hpp"
#include "synod/sim/testing.hpp"

namespace synod::sim {
namespace {

// Node 1 draws from its seeded Rng 100ms after starting and asserts the draw is not 0: about one
// seed in four fails, which ones depends only on the seed.
class AssertsOnSomeSeeds final : public Protocol {
 public:
  ProtocolId id() const override { return 9; }
  std::string_view name() const override { return "asserts-on-some-seeds"; }
  void on_start(Context& ctx) override {
    if (ctx.self() == 1) ctx.set_timer(std::chrono::milliseconds(100), 1);
  }
  void on_message(Context&, NodeId, ByteView) override {}
  void on_timer(Context& ctx, std::uint64_t) override {
    const std::uint64_t draw = ctx.rng().below(4);
    SYNOD_ASSERT(draw != 0);
  }
};

class Idle final : public Protocol {
 public:
  ProtocolId id() const override { return 9; }
  std::string_view name() const override { return "idle"; }
  void on_start(Context&) override {}
  void on_message(Context&, NodeId, ByteView) override {}
  void on_timer(Context&, std::uint64_t) override {}
};

// A checker that never objects but needs `window` of healthy run before it could judge.
class NeedsWindow final : public Checker {
 public:
  explicit NeedsWindow(Duration window) : window_(window) {}
  std::string_view name() const override { return "needs-window"; }
  std::optional<std::string> on_event(const Event&) override { return std::nullopt; }
  Duration liveness_window() const override { return window_; }

 private:
  Duration window_;
};

SweepOptions small_sweep(std::uint64_t seeds) {
  SweepOptions o;
  o.seeds = seeds;
  o.nodes = 3;
  o.duration = std::chrono::seconds(1);
  o.stabilize = std::chrono::seconds(1);
  return o;
}

// Issue 11: "a protocol assertion firing inside a sweep reports the seed, its faults and the
// event, and the sweep still prints its JSON" (it used to abort the process).
TEST(Sweep, AssertionIsAViolationWithSeedFaultsAndEventAndTheSweepGoesOn) {
  const SweepOptions o = small_sweep(24);
  const auto factory = one_protocol([] { return std::make_unique<AssertsOnSomeSeeds>(); });
  const auto r = run_sweep(o, factory, [] { return CheckerList{}; });
  EXPECT_EQ(r.seeds, 24U);  // every seed ran, not only those before the first assertion

  // Ground truth: run each seed alone and note which ones assert.
  std::set<std::uint64_t> failing;
  for (std::uint64_t seed = 1; seed <= 24; ++seed) {
    SimOptions so;
    so.seed = seed;
    so.nodes = o.nodes;
    so.duration = o.duration;
    so.stabilize = o.stabilize;
    so.plan = plan_for_seed(o, seed);
    Simulator s(so, factory);
    if (s.run().violation) failing.insert(seed);
  }
  ASSERT_FALSE(failing.empty());
  ASSERT_LT(failing.size(), 24U);

  std::set<std::uint64_t> reported;
  for (const auto& v : r.violations) {
    reported.insert(v.seed);
    EXPECT_EQ(v.violation.checker, "assertion");
    EXPECT_NE(v.violation.message.find("draw != 0"), std::string::npos) << v.violation.message;
    EXPECT_NE(v.violation.message.find("timer on node 1"), std::string::npos)
        << v.violation.message;
    EXPECT_GT(v.violation.event_seq, 0U);
    EXPECT_EQ(v.faults, to_string(plan_for_seed(o, v.seed)));
  }
  EXPECT_EQ(reported, failing);

  const auto j = sweep_json({"asserts", {}}, o, r);
  ASSERT_EQ(j["violations"].size(), failing.size());
  const auto& first = j["violations"][0];
  EXPECT_EQ(first["checker"], "assertion");
  EXPECT_EQ(first["seed"].get<std::uint64_t>(), *failing.begin());
  EXPECT_GT(first["event"].get<std::uint64_t>(), 0U);
  EXPECT_FALSE(first["faults"].get<std::string>().empty());
  EXPECT_EQ(j["seeds"].get<std::uint64_t>(), 24U);
}

// The replay line carries every setting that shapes the run, in a form that parses back exactly.
TEST(Sweep, ReplayLineCarriesEverySetting) {
  SweepOptions o = small_sweep(1);
  o.duration = Duration(2'345'678'901);
  SweepResult r;
  r.stabilize_ns = 9'000'000'000;
  SeedViolation v{42, {"c", "m", 7, 8}, "latency=fixed:1ms,loss=0,dup=0,reorder=0; @1s crash 2", 5};
  const std::string line = replay_command(
      {"mutex", {{"algo", "token-ring"}, {"mutant", "B2"}, {"hold", "50ms"}}}, o, r, v);
  EXPECT_EQ(line,
            "synod sim mutex --algo token-ring --set hold=50ms --mutant B2 --nodes 3 --seeds 1 "
            "--seed 42 --duration 2345678901ns --stabilize 9s --faults "
            "'latency=fixed:1ms,loss=0,dup=0,reorder=0; @1s crash 2'");
  EXPECT_EQ(parse_duration("2345678901ns")->count(), o.duration.count());
}

// Issue 11: a liveness window longer than --stabilize lengthens the phase, and the user is told.
TEST(Sweep, SaysWhenTheStabilizePhaseWasRaised) {
  SweepOptions o = small_sweep(2);
  o.stabilize = std::chrono::seconds(5);
  const auto factory = one_protocol([] { return std::make_unique<Idle>(); });
  auto checkers = [] {
    CheckerList c;
    c.push_back(std::make_unique<NeedsWindow>(std::chrono::seconds(9)));
    return c;
  };
  const auto r = run_sweep(o, factory, checkers);
  EXPECT_EQ(r.stabilize_ns, 9'000'000'000);
  EXPECT_EQ(stabilize_note(o, r), "stabilize raised from 5s to 9s for needs-window");
  const auto j = sweep_json({"idle", {}}, o, r);
  EXPECT_EQ(j["stabilize"]["note"], "stabilize raised from 5s to 9s for needs-window");
  EXPECT_EQ(j["stabilize"]["effective_ns"].get<std::int64_t>(), 9'000'000'000);

  o.stabilize = std::chrono::seconds(10);  // long enough: kept, no note
  const auto kept = run_sweep(o, factory, checkers);
  EXPECT_EQ(kept.stabilize_ns, 10'000'000'000);
  EXPECT_EQ(stabilize_note(o, kept), "");
}

// Issue 11: `--seeds -1` wrapped to 2^64 and ran forever; `--duration -5s` was accepted;
// `--nodes 10000` grew past 8 GB.
TEST(Sweep, RefusesInputsThatCannotMeanWhatWasAsked) {
  EXPECT_TRUE(validate_sweep(small_sweep(10)).is_ok());
  auto refused = [](SweepOptions o, const std::string& words) {
    const Status st = validate_sweep(o);
    EXPECT_FALSE(st.is_ok()) << words;
    EXPECT_NE(st.message().find(words), std::string::npos) << st.message();
  };
  refused(small_sweep(0), "seeds must be in");
  refused(small_sweep(static_cast<std::uint64_t>(-1)), "seeds must be in");
  refused(small_sweep(kMaxSweepSeeds + 1), "seeds must be in");
  SweepOptions o = small_sweep(10);
  o.first_seed = std::numeric_limits<std::uint64_t>::max() - 3;
  refused(o, "past 2^64");
  o = small_sweep(10);
  o.nodes = 0;
  refused(o, "nodes must be in");
  o.nodes = kMaxSimNodes + 1;
  refused(o, "memory");
  o = small_sweep(10);
  o.duration = -std::chrono::seconds(5);
  refused(o, "duration must not be negative");
  o = small_sweep(10);
  o.stabilize = Duration(0);
  refused(o, "stabilize must be positive");
  o.stabilize = -std::chrono::seconds(1);
  refused(o, "stabilize must be positive");
  o = small_sweep(10);
  o.plan = parse_fault_plan("@1s crash 5", 5).value();  // parsed for 5 nodes, swept with 3
  refused(o, "outside [1, 3]");
}

}  // namespace
}  // namespace synod::sim
