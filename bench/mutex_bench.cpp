// Lock-service benchmarks in the simulator (failure-free, latency uniform 1..5 ms), per
// algorithm and cluster size: messages per critical-section entry (algorithm messages only;
// heartbeats, channel acks and the start-up rounds excluded), synchronization delay (true time
// from an exit to the next entry while someone was waiting) and throughput (entries per
// simulated second) under saturation, plus simulator events per wall second. Large clusters
// (100, 1,000) run with heartbeats off (no failure detection: all-to-all heartbeats would dwarf
// the algorithm). Run: build/release/bench/mutex_bench --benchmark_format=json
#include <benchmark/benchmark.h>

#include <memory>
#include <set>

#include "synod/channel/reliable_channel.hpp"
#include "synod/mutex/mutex_catalog.hpp"
#include "synod/sim/simulator.hpp"

namespace synod::mutex {
namespace {

// Reads enter/exit/request observations and measures synchronization delay.
class DelayProbe final : public Checker {
 public:
  std::string_view name() const override { return "bench"; }
  std::optional<std::string> on_event(const Event& e) override {
    if (e.kind != EventKind::kObserve || protocol_id_name(e.protocol).substr(0, 6) != "mutex-") {
      return std::nullopt;
    }
    if (e.what == "request") waiting_.insert(e.node);
    if (e.what == "enter") {
      waiting_.erase(e.node);
      ++entries;
      if (exit_with_waiters_ns_ >= 0) {
        delay_ns += static_cast<double>(e.time_ns - exit_with_waiters_ns_);
        ++delays;
      }
      exit_with_waiters_ns_ = -1;
    }
    if (e.what == "exit") exit_with_waiters_ns_ = waiting_.empty() ? -1 : e.time_ns;
    return std::nullopt;
  }
  std::uint64_t entries = 0;
  double delay_ns = 0;
  std::uint64_t delays = 0;

 private:
  std::set<NodeId> waiting_;
  std::int64_t exit_with_waiters_ns_ = -1;
};

struct Totals {
  std::uint64_t entries = 0;
  std::uint64_t messages = 0;
  std::uint64_t events = 0;
  double delay_ns = 0;
  std::uint64_t delays = 0;
  double sim_seconds = 0;
};

void run_one(Algorithm a, std::uint32_t n, bool detect, std::uint64_t seed, Totals& t) {
  MutexConfig c;
  c.lock.algorithm = a;
  if (!detect) c.lock.heartbeat_ticks = 0;
  // Failure-free runs: no retries or lost-token probes (with 1,000 processes a waiter legitimately
  // waits longer than the default 1 s / 2 s, and the repeats would be counted as cost).
  c.lock.retry = c.lock.token_timeout = std::chrono::hours(1);
  c.workload.think = std::chrono::milliseconds(1);  // saturation: everyone asks again at once
  c.workload.hold_min = c.workload.hold_max = std::chrono::milliseconds(1);
  const Duration run = n >= 100 ? std::chrono::seconds(2) : std::chrono::seconds(10);
  c.workload.active = run;
  sim::SimOptions o;
  o.seed = seed;
  o.nodes = n;
  o.duration = std::chrono::hours(1);  // no healing phase inside the measured window
  o.stabilize = Duration(0);
  o.plan = sim::parse_fault_plan("latency=uniform:1ms..5ms", n).value();
  auto probe = std::make_unique<DelayProbe>();
  DelayProbe* p = probe.get();
  CheckerList checkers;
  checkers.push_back(std::move(probe));
  sim::Simulator s(
      o,
      [&c](NodeId) {
        std::vector<std::unique_ptr<Protocol>> v;
        v.push_back(make_mutex_protocol(c));
        return v;
      },
      std::move(checkers));
  // Requests still open at the end would count their messages but not their entry: let the
  // queue drain (asking stops at `run`). Not for the ring, whose idle token keeps circulating.
  const Duration drain = a == Algorithm::kTokenRing
                             ? Duration(0)
                             : std::chrono::seconds(1) + std::chrono::milliseconds(10) * n;
  s.start();
  s.run_until((run + drain).count());
  t.events += s.result().events;
  t.entries += p->entries;
  t.delay_ns += p->delay_ns;
  t.delays += p->delays;
  t.sim_seconds += std::chrono::duration<double>(run + drain).count();
  for (NodeId id = 1; id <= n; ++id) {
    auto* layer = static_cast<channel::ReliableChannel*>(s.node(id)->find(protocol_id(a)));
    const auto& lock = static_cast<const LockService&>(layer->inner());
    for (std::uint32_t type = 2; type < static_cast<std::uint32_t>(MsgType::kProbe); ++type) {
      if (type == static_cast<std::uint32_t>(MsgType::kStateQuery) ||
          type == static_cast<std::uint32_t>(MsgType::kState)) {
        continue;  // the central coordinator's start-up round
      }
      t.messages += lock.sent(static_cast<MsgType>(type));
    }
  }
}

void bench(benchmark::State& state, Algorithm a, bool detect) {
  const auto n = static_cast<std::uint32_t>(state.range(0));
  Totals t;
  std::uint64_t seed = 1;
  for (auto _ : state) run_one(a, n, detect, seed++, t);
  const auto per = [](double x, double y) { return y > 0 ? x / y : 0; };
  const auto entries = static_cast<double>(t.entries);
  state.counters["nodes"] = n;
  state.counters["messages_per_entry"] = per(static_cast<double>(t.messages), entries);
  state.counters["sync_delay_ms"] = per(t.delay_ns / 1e6, static_cast<double>(t.delays));
  state.counters["entries_per_sim_sec"] = per(entries, t.sim_seconds);
  state.counters["events_per_sec"] =
      benchmark::Counter(static_cast<double>(t.events), benchmark::Counter::kIsRate);
}

void BM_Central(benchmark::State& s) { bench(s, Algorithm::kCentral, true); }
void BM_RicartAgrawala(benchmark::State& s) { bench(s, Algorithm::kRicartAgrawala, true); }
void BM_SuzukiKasami(benchmark::State& s) { bench(s, Algorithm::kSuzukiKasami, true); }
void BM_TokenRing(benchmark::State& s) { bench(s, Algorithm::kTokenRing, true); }
void BM_SuzukiKasamiNoDetector(benchmark::State& s) { bench(s, Algorithm::kSuzukiKasami, false); }
void BM_CentralNoDetector(benchmark::State& s) { bench(s, Algorithm::kCentral, false); }

BENCHMARK(BM_Central)->Arg(3)->Arg(5)->Arg(9)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_RicartAgrawala)->Arg(3)->Arg(5)->Arg(9)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_SuzukiKasami)->Arg(3)->Arg(5)->Arg(9)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_TokenRing)->Arg(3)->Arg(5)->Arg(9)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_SuzukiKasamiNoDetector)
    ->Arg(100)
    ->Arg(1000)
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_CentralNoDetector)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
}  // namespace synod::mutex

BENCHMARK_MAIN();
