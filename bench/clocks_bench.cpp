// Micro-benchmarks for synod/causal: Lamport, vector and hybrid logical clock operations.
// Vector clocks are measured at 8, 64 and 1024 processes with dense membership (every process has
// an entry), the worst case for the sparse representation.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "synod/causal/hlc.hpp"
#include "synod/causal/lamport.hpp"
#include "synod/causal/vector_clock.hpp"
#include "synod/core/assert.hpp"

namespace synod::causal {
namespace {

// A clock with entries for nodes first, first+stride, ... (n of them), counts base + i.
VectorClock make_clock(int n, std::uint64_t base, NodeId first = 1, NodeId stride = 1) {
  std::vector<VectorEntry> entries;
  for (int i = 0; i < n; ++i) {
    entries.push_back(
        {first + static_cast<NodeId>(i) * stride, base + static_cast<std::uint64_t>(i)});
  }
  auto r = VectorClock::from_entries(std::move(entries));
  SYNOD_ASSERT(r.is_ok());
  return std::move(r).value();
}

void BM_LamportTick(benchmark::State& state) {
  LamportClock c;
  for (auto _ : state) benchmark::DoNotOptimize(c.tick());
}
BENCHMARK(BM_LamportTick);

void BM_LamportReceive(benchmark::State& state) {
  LamportClock c;
  std::uint64_t stamp = 0;
  for (auto _ : state) {
    stamp += 2;  // alternately ahead of and behind the local clock
    benchmark::DoNotOptimize(c.on_receive(stamp));
  }
}
BENCHMARK(BM_LamportReceive);

// Full walk: a <= b with the only difference in the last entry.
void BM_VectorCompare(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const VectorClock a = make_clock(n, 10);
  VectorClock b = a;
  SYNOD_ASSERT(b.increment(static_cast<NodeId>(n)).is_ok());
  for (auto _ : state) benchmark::DoNotOptimize(a.compare(b));
}
BENCHMARK(BM_VectorCompare)->Arg(8)->Arg(64)->Arg(1024);

// Same membership: the in-place element-wise max.
void BM_VectorMerge(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  VectorClock a = make_clock(n, 10);
  const VectorClock b = make_clock(n, 5);
  for (auto _ : state) {
    benchmark::DoNotOptimize(a.merge(b).is_ok());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_VectorMerge)->Arg(8)->Arg(64)->Arg(1024);

// Disjoint memberships (n/2 even ids into n/2 odd ids): the allocating path. Includes copying a
// fresh left-hand side each iteration (see BM_VectorCopy).
void BM_VectorMergeGrow(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const VectorClock a = make_clock(n / 2, 10, 1, 2);
  const VectorClock b = make_clock(n / 2, 10, 2, 2);
  for (auto _ : state) {
    VectorClock c = a;
    benchmark::DoNotOptimize(c.merge(b).is_ok());
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_VectorMergeGrow)->Arg(8)->Arg(64)->Arg(1024);

void BM_VectorCopy(benchmark::State& state) {
  const VectorClock a = make_clock(static_cast<int>(state.range(0)) / 2, 10, 1, 2);
  for (auto _ : state) {
    VectorClock c = a;
    benchmark::DoNotOptimize(c);
  }
}
BENCHMARK(BM_VectorCopy)->Arg(8)->Arg(64)->Arg(1024);

// VC2 + VC1 on a process that already knows every member.
void BM_VectorProcessReceive(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  ProcessVectorClock p(1);
  SYNOD_ASSERT(p.on_receive(make_clock(n, 1)).is_ok());
  const VectorClock m = make_clock(n, 5);
  for (auto _ : state) benchmark::DoNotOptimize(p.on_receive(m).is_ok());
}
BENCHMARK(BM_VectorProcessReceive)->Arg(8)->Arg(64)->Arg(1024);

void BM_VectorEncode(benchmark::State& state) {
  const VectorClock a = make_clock(static_cast<int>(state.range(0)), 1000);
  Bytes out;
  for (auto _ : state) {
    out.clear();
    a.encode_to(out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_VectorEncode)->Arg(8)->Arg(64)->Arg(1024);

void BM_VectorDecode(benchmark::State& state) {
  const Bytes in = make_clock(static_cast<int>(state.range(0)), 1000).encode();
  for (auto _ : state) {
    auto r = VectorClock::decode(in);
    benchmark::DoNotOptimize(r.is_ok());
  }
}
BENCHMARK(BM_VectorDecode)->Arg(8)->Arg(64)->Arg(1024);

// Send/local event with physical time advancing 1 us per event (l changes every 65 events).
void BM_HlcSend(benchmark::State& state) {
  HybridLogicalClock clock;
  Time pt{1'700'000'000'000'000'000};
  for (auto _ : state) {
    pt.ns += 1000;
    benchmark::DoNotOptimize(clock.on_send(pt));
  }
}
BENCHMARK(BM_HlcSend);

// Receive of messages from a peer slightly ahead, taking the l.m branch, the c.m branch and the
// pt branch in turn.
void BM_HlcReceive(benchmark::State& state) {
  HybridLogicalClock clock;
  Time pt{1'700'000'000'000'000'000};
  std::uint16_t c = 0;
  for (auto _ : state) {
    pt.ns += 1000;
    const HlcTimestamp m{HlcTimestamp::l_of(pt + std::chrono::microseconds(100)), c++};
    auto r = clock.on_receive(m, pt);
    benchmark::DoNotOptimize(r.is_ok());
  }
}
BENCHMARK(BM_HlcReceive);

void BM_HlcPackUnpack(benchmark::State& state) {
  std::uint64_t x = 0x0123456789ABCDEFULL;
  for (auto _ : state) {
    x = HlcTimestamp::unpack(x).pack() + 1;
    benchmark::DoNotOptimize(x);
  }
}
BENCHMARK(BM_HlcPackUnpack);

}  // namespace
}  // namespace synod::causal
