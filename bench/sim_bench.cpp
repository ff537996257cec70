// Simulator throughput (events processed per wall second), tracing off and on, against the
// floor: a bare priority-queue event loop doing no work per event. Run:
// build/release/bench/sim_bench
// --benchmark_format=json (or `make bench`).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <queue>

#include "synod/heartbeat/heartbeat.hpp"
#include "synod/sim/simulator.hpp"

namespace synod {
namespace {

// Minimal protocol: every node keeps `window` messages in flight to random peers. Measures the
// simulator's own cost per event (queue, network model, dispatch, hashing) with almost no protocol
// work.
class PingPong final : public Protocol {
 public:
  ProtocolId id() const override { return 9; }
  std::string_view name() const override { return "pingpong"; }
  void on_start(Context& ctx) override {
    for (int i = 0; i < 4; ++i) ctx.send(pick(ctx), Bytes{1, 2, 3, 4, 5, 6, 7, 8});
    ctx.set_timer(std::chrono::milliseconds(10), 0);
  }
  void on_message(Context& ctx, NodeId from, ByteView payload) override {
    ctx.send(from, Bytes(payload.begin(), payload.end()));
  }
  void on_timer(Context& ctx, std::uint64_t) override {
    ctx.set_timer(std::chrono::milliseconds(10), 0);
  }

 private:
  static NodeId pick(Context& ctx) { return ctx.peers()[ctx.rng().below(ctx.peers().size())]; }
};

template <typename P>
sim::ProtocolFactory factory() {
  return [](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    if constexpr (std::is_same_v<P, Heartbeat>) {
      v.push_back(std::make_unique<Heartbeat>(HeartbeatOptions{}));
    } else {
      v.push_back(std::make_unique<P>());
    }
    return v;
  };
}

// Ping-pong runs lossless (a lost message would end its chain); heartbeat sees 1% loss.
sim::SimOptions options(std::uint32_t nodes, std::uint64_t seed, const char* faults) {
  sim::SimOptions o;
  o.seed = seed;
  o.nodes = nodes;
  o.duration = std::chrono::seconds(20);
  o.stabilize = std::chrono::seconds(0);
  o.plan = sim::parse_fault_plan(faults, nodes).value();
  return o;
}

template <typename P>
void run_sim(benchmark::State& state, bool traced) {
  const auto nodes = static_cast<std::uint32_t>(state.range(0));
  std::uint64_t events = 0;
  std::uint64_t seed = 1;
  std::unique_ptr<TraceWriter> trace;
  if (traced) trace = std::move(TraceWriter::open("/dev/null").value());
  for (auto _ : state) {
    const char* faults = std::is_same_v<P, PingPong> ? "latency=uniform:1ms..5ms"
                                                     : "latency=uniform:1ms..5ms,loss=0.01";
    sim::Simulator s(options(nodes, seed++, faults), factory<P>(), {}, trace.get());
    events += s.run().events;
  }
  state.counters["events"] = benchmark::Counter(static_cast<double>(events));
  state.counters["events_per_sec"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}

void BM_SimPingPong(benchmark::State& s) { run_sim<PingPong>(s, false); }
void BM_SimPingPongTraced(benchmark::State& s) { run_sim<PingPong>(s, true); }
void BM_SimHeartbeat(benchmark::State& s) { run_sim<Heartbeat>(s, false); }
void BM_SimHeartbeatTraced(benchmark::State& s) { run_sim<Heartbeat>(s, true); }

// The floor: push/pop of (time, seq, slot) items through a binary heap, with the same queue
// depth the ping-pong run keeps, and nothing else.
void BM_AnchorPriorityQueue(benchmark::State& state) {
  struct Item {
    std::int64_t time;
    std::uint64_t seq;
    std::uint32_t slot;
    bool operator>(const Item& o) const { return time != o.time ? time > o.time : seq > o.seq; }
  };
  std::uint64_t events = 0;
  Rng rng(1);
  for (auto _ : state) {
    std::priority_queue<Item, std::vector<Item>, std::greater<>> q;
    std::uint64_t seq = 0;
    for (int i = 0; i < 4 * state.range(0); ++i) q.push({rng.between(0, 5'000'000), seq++, 0});
    for (int i = 0; i < 1'000'000; ++i) {
      const Item it = q.top();
      q.pop();
      q.push({it.time + rng.between(1'000'000, 5'000'000), seq++, it.slot});
      ++events;
    }
    benchmark::DoNotOptimize(q.top());
  }
  state.counters["events_per_sec"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}

BENCHMARK(BM_AnchorPriorityQueue)->Arg(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimPingPong)->Arg(5)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimPingPongTraced)->Arg(5)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimHeartbeat)->Arg(5)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SimHeartbeatTraced)->Arg(5)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace synod

BENCHMARK_MAIN();
