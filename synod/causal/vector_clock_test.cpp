#include "synod/causal/vector_clock.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "synod/causal/random_execution.hpp"

namespace synod::causal {
namespace {

using testing::EventKind;
using testing::ExecutionParams;
using testing::RandomExecution;

VectorClock vc(std::vector<VectorEntry> entries) {
  auto r = VectorClock::from_entries(std::move(entries));
  SYNOD_ASSERT(r.is_ok());
  return std::move(r).value();
}

TEST(VectorClock, EmptyClockHasZeroEverywhere) {
  VectorClock v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.get(1), 0U);
  EXPECT_EQ(v.get(UINT32_MAX), 0U);
  EXPECT_EQ(v.compare(VectorClock{}), Order::kEqual);
  EXPECT_EQ(v.to_string(), "{}");
}

TEST(VectorClock, IncrementInsertsInNodeOrder) {
  VectorClock v;
  EXPECT_EQ(*v.increment(70), 1U);
  EXPECT_EQ(*v.increment(3), 1U);
  EXPECT_EQ(*v.increment(70), 2U);
  EXPECT_EQ(*v.increment(500000), 1U);
  EXPECT_EQ(v.to_string(), "{3:1, 70:2, 500000:1}");
  EXPECT_EQ(v.get(70), 2U);
  EXPECT_EQ(v.get(4), 0U);
}

TEST(VectorClock, FromEntriesSortsDropsZerosAndValidates) {
  auto v = VectorClock::from_entries({{9, 2}, {4, 0}, {2, 5}});
  ASSERT_TRUE(v.is_ok());
  EXPECT_EQ(v->to_string(), "{2:5, 9:2}");
  EXPECT_EQ(VectorClock::from_entries({{1, 1}, {1, 2}}).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(VectorClock::from_entries({{1, VectorClock::kMaxCount + 1}}).status().code(),
            Code::kOutOfRange);
  EXPECT_EQ(VectorClock::from_entries({{1, 1}, {2, 1}, {3, 1}}, 2).status().code(),
            Code::kResourceExhausted);
  EXPECT_TRUE(VectorClock::from_entries({{1, 1}, {2, 0}, {3, 1}}, 2).is_ok());
}

TEST(VectorClock, CompareAllFourOutcomes) {
  const auto a = vc({{1, 2}, {2, 1}});
  EXPECT_EQ(a.compare(vc({{1, 2}, {2, 1}})), Order::kEqual);
  EXPECT_EQ(a.compare(vc({{1, 2}, {2, 2}})), Order::kBefore);
  EXPECT_EQ(a.compare(vc({{1, 1}, {2, 1}})), Order::kAfter);
  EXPECT_EQ(a.compare(vc({{1, 1}, {2, 2}})), Order::kConcurrent);
  EXPECT_TRUE(a.before_or_equal(a));
  EXPECT_FALSE(a.happened_before(a));
  EXPECT_TRUE(a.happened_before(vc({{1, 3}, {2, 1}})));
  EXPECT_TRUE(a.concurrent_with(vc({{1, 3}})));
  EXPECT_EQ(order_name(Order::kConcurrent), "concurrent");
}

TEST(VectorClock, CompareAcrossDifferentMemberships) {
  // An absent entry counts 0, whichever side lacks it.
  const auto small = vc({{1, 1}});
  const auto big = vc({{1, 1}, {5, 1}, {9, 3}});
  EXPECT_EQ(small.compare(big), Order::kBefore);
  EXPECT_EQ(big.compare(small), Order::kAfter);
  EXPECT_EQ(vc({{1, 2}}).compare(big), Order::kConcurrent);
  EXPECT_EQ(vc({{0, 1}}).compare(vc({{7, 1}})), Order::kConcurrent);
  EXPECT_EQ(VectorClock{}.compare(big), Order::kBefore);
  EXPECT_EQ(big.compare(VectorClock{}), Order::kAfter);
  // Trailing entries decide after a common prefix.
  EXPECT_EQ(vc({{1, 1}, {2, 1}}).compare(vc({{1, 2}})), Order::kConcurrent);
  EXPECT_EQ(vc({{1, 2}, {8, 1}}).compare(vc({{1, 2}})), Order::kAfter);
}

TEST(VectorClock, MergeDifferentSizes) {
  // VC2: element-wise max over the union of the two memberships.
  auto a = vc({{1, 3}, {4, 1}});
  ASSERT_TRUE(a.merge(vc({{2, 7}, {4, 5}, {9, 1}})).is_ok());
  EXPECT_EQ(a.to_string(), "{1:3, 2:7, 4:5, 9:1}");
  // A subset merges in place.
  ASSERT_TRUE(a.merge(vc({{2, 1}, {9, 4}})).is_ok());
  EXPECT_EQ(a.to_string(), "{1:3, 2:7, 4:5, 9:4}");
  // Smaller into empty, empty into larger.
  VectorClock e;
  ASSERT_TRUE(e.merge(a).is_ok());
  EXPECT_EQ(e, a);
  ASSERT_TRUE(a.merge(VectorClock{}).is_ok());
  EXPECT_EQ(e, a);
  // Disjoint, interleaved ids.
  auto b = vc({{2, 1}, {6, 1}});
  ASSERT_TRUE(b.merge(vc({{1, 1}, {3, 1}, {7, 1}})).is_ok());
  EXPECT_EQ(b.to_string(), "{1:1, 2:1, 3:1, 6:1, 7:1}");
  // The merge dominates both inputs.
  EXPECT_TRUE(vc({{2, 1}, {6, 1}}).before_or_equal(b));
  EXPECT_TRUE(vc({{1, 1}, {3, 1}, {7, 1}}).before_or_equal(b));
}

TEST(VectorClock, MergeSameMembership) {
  auto a = vc({{1, 3}, {4, 1}, {9, 7}});
  ASSERT_TRUE(a.merge(vc({{1, 2}, {4, 6}, {9, 7}}), 3).is_ok());
  EXPECT_EQ(a.to_string(), "{1:3, 4:6, 9:7}");
  // Same size, different nodes: not the lockstep path.
  ASSERT_TRUE(a.merge(vc({{1, 1}, {5, 1}, {9, 8}})).is_ok());
  EXPECT_EQ(a.to_string(), "{1:3, 4:6, 5:1, 9:8}");
}

TEST(VectorClock, MergeOverLimitFailsAndLeavesClockUnchanged) {
  auto a = vc({{1, 1}, {2, 1}});
  const auto before = a;
  const auto s = a.merge(vc({{3, 1}}), 2);
  EXPECT_EQ(s.code(), Code::kResourceExhausted);
  EXPECT_EQ(a, before);
  EXPECT_TRUE(a.merge(vc({{2, 9}}), 2).is_ok());  // no new entries: within the limit
  EXPECT_EQ(a.get(2), 9U);
  EXPECT_EQ(a.union_size(vc({{0, 1}, {2, 1}, {5, 5}})), 4U);
}

TEST(VectorClock, IncrementOverLimitFails) {
  auto a = vc({{1, 1}, {2, 1}});
  EXPECT_EQ(a.increment(3, 2).status().code(), Code::kResourceExhausted);
  EXPECT_EQ(*a.increment(2, 2), 2U);
}

TEST(VectorClock, DefaultLimitIs4096) {
  std::vector<VectorEntry> many;
  for (NodeId n = 1; n <= 4097; ++n) many.push_back({n, 1});
  EXPECT_EQ(VectorClock::from_entries(many).status().code(), Code::kResourceExhausted);
  many.pop_back();
  auto ok = VectorClock::from_entries(many);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok->merge(vc({{5000, 1}})).code(), Code::kResourceExhausted);
  EXPECT_EQ(ok->size(), 4096U);
  auto decoded = VectorClock::decode(ok->encode());
  ASSERT_TRUE(decoded.is_ok());
  EXPECT_EQ(*decoded, *ok);
  EXPECT_EQ(VectorClock::decode(ok->encode(), 4095).status().code(), Code::kResourceExhausted);
}

TEST(ProcessVectorClock, RulesVC1AndVC2) {
  ProcessVectorClock p(7);
  // VC1: increment own entry before each event.
  EXPECT_EQ(p.tick().to_string(), "{7:1}");
  EXPECT_EQ(p.on_send().to_string(), "{7:2}");
  // VC2: element-wise max with the piggybacked clock, then VC1.
  ASSERT_TRUE(p.on_receive(vc({{3, 4}, {7, 1}})).is_ok());
  EXPECT_EQ(p.clock().to_string(), "{3:4, 7:3}");
  ASSERT_TRUE(p.on_receive(vc({{7, 10}})).is_ok());  // a stale echo of our own entry
  EXPECT_EQ(p.clock().to_string(), "{3:4, 7:11}");
  EXPECT_EQ(p.self(), 7U);
}

TEST(ProcessVectorClock, ReceiveKeepsRoomForOwnEntry) {
  ProcessVectorClock fresh(9, 2);
  // The first event is a receive of a 2-entry clock: merging would leave no room for our entry.
  EXPECT_EQ(fresh.on_receive(vc({{1, 1}, {2, 1}})).code(), Code::kResourceExhausted);
  EXPECT_TRUE(fresh.clock().empty());
  ASSERT_TRUE(fresh.on_receive(vc({{1, 1}})).is_ok());
  EXPECT_EQ(fresh.clock().to_string(), "{1:1, 9:1}");
  EXPECT_EQ(fresh.on_receive(vc({{2, 1}})).code(), Code::kResourceExhausted);
  ASSERT_TRUE(fresh.on_receive(vc({{1, 5}, {9, 1}})).is_ok());
  EXPECT_EQ(fresh.clock().to_string(), "{1:5, 9:2}");
  // A clock that already names us fits exactly.
  ProcessVectorClock q(2, 2);
  ASSERT_TRUE(q.on_receive(vc({{1, 1}, {2, 3}})).is_ok());
  EXPECT_EQ(q.clock().to_string(), "{1:1, 2:4}");
}

TEST(VectorClockCodec, RoundTrips) {
  for (const auto& v : {VectorClock{}, vc({{0, 1}}), vc({{UINT32_MAX, VectorClock::kMaxCount}}),
                        vc({{0, 1}, {1, 1}, {UINT32_MAX, 3}}),
                        vc({{5, 300}, {6, 1}, {1000000, 127}, {1000128, 128}})}) {
    const Bytes b = v.encode();
    EXPECT_EQ(b.size(), v.encoded_size());
    auto d = VectorClock::decode(b);
    ASSERT_TRUE(d.is_ok()) << d.status().to_string();
    EXPECT_EQ(*d, v);
  }
  EXPECT_EQ(VectorClock{}.encode(), (Bytes{0x00}));
  // n=2; node 5 count 1; gap 0 (node 6), count 300 = 0xAC 0x02.
  EXPECT_EQ(vc({{5, 1}, {6, 300}}).encode(), (Bytes{0x02, 0x05, 0x01, 0x00, 0xAC, 0x02}));
  Bytes out{0xEE};
  vc({{1, 1}}).encode_to(out);
  EXPECT_EQ(out, (Bytes{0xEE, 0x01, 0x01, 0x01}));
}

Code decode_code(const Bytes& b, std::size_t max_entries = VectorClock::kDefaultMaxEntries) {
  return VectorClock::decode(b, max_entries).status().code();
}

TEST(VectorClockCodec, DecodeErrors) {
  EXPECT_EQ(decode_code({}), Code::kDataLoss);                  // no header
  EXPECT_EQ(decode_code({0x80}), Code::kDataLoss);              // truncated varint
  EXPECT_EQ(decode_code({0x01, 0x05}), Code::kDataLoss);        // truncated entry
  EXPECT_EQ(decode_code({0x01, 0x05, 0x81}), Code::kDataLoss);  // truncated count varint
  EXPECT_EQ(decode_code({0x00, 0x00}), Code::kDataLoss);        // trailing byte
  EXPECT_EQ(decode_code({0x01, 0x05, 0x01, 0x07}), Code::kDataLoss);
  EXPECT_EQ(decode_code({0x80, 0x00}), Code::kDataLoss);        // non-minimal varint
  EXPECT_EQ(decode_code({0x01, 0x05, 0x00}), Code::kDataLoss);  // zero count
  // 11-byte varint, and a 10-byte varint overflowing 64 bits.
  EXPECT_EQ(decode_code({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}),
            Code::kDataLoss);
  EXPECT_EQ(decode_code({0x01, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}),
            Code::kDataLoss);
  // Count 2^62 + 1 (above kMaxCount).
  const Bytes big{0x01, 0x01, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40};
  EXPECT_EQ(decode_code(big), Code::kOutOfRange);
  // Node id 2^32 directly, and by accumulating gaps past 2^32 - 1.
  EXPECT_EQ(decode_code({0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x01}), Code::kDataLoss);
  EXPECT_EQ(decode_code({0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x01, 0x00, 0x01}), Code::kDataLoss);
  // Entry count over the limit is refused before reading entries or allocating.
  EXPECT_EQ(decode_code({0x03, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01}, 2), Code::kResourceExhausted);
  EXPECT_EQ(decode_code({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}),
            Code::kResourceExhausted);
  // A header claiming more entries than the bytes could hold.
  EXPECT_EQ(decode_code({0x64, 0x01, 0x01}), Code::kDataLoss);
  // Entries must be in increasing node order by construction (gaps are non-negative), so a
  // well-formed two-entry clock with gap 0 means consecutive nodes.
  auto d = VectorClock::decode(Bytes{0x02, 0xFE, 0xFF, 0xFF, 0xFF, 0x0F, 0x01, 0x00, 0x01});
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(d->to_string(), "{4294967294:1, 4294967295:1}");
}

TEST(VectorClockCodec, FuzzedInputNeverCrashesAndDecodesCanonically) {
  Rng rng(42);
  const Bytes valid = vc({{1, 5}, {2, 200}, {77, 1}, {100000, 9}}).encode();
  for (int iter = 0; iter < 20000; ++iter) {
    Bytes b;
    if (rng.chance(0.5)) {
      b = valid;  // mutate a valid encoding
      const auto flips = rng.between(1, 3);
      for (int i = 0; i < flips; ++i)
        b[rng.below(b.size())] = static_cast<std::uint8_t>(rng.next());
      if (rng.chance(0.2)) b.resize(rng.below(b.size() + 1));
    } else {
      b.resize(rng.below(24));
      for (auto& byte : b) byte = static_cast<std::uint8_t>(rng.next());
    }
    auto d = VectorClock::decode(b, 16);
    if (d.is_ok()) {
      EXPECT_LE(d->size(), 16U);
      EXPECT_EQ(d->encode(), b);  // canonical: decode accepts only what encode produces
    }
  }
}

// Replays an execution with one ProcessVectorClock per process; returns each event's timestamp.
std::vector<VectorClock> replay(const RandomExecution& x) {
  std::vector<ProcessVectorClock> clocks;
  for (NodeId n : x.nodes) clocks.emplace_back(n);
  std::vector<VectorClock> stamps(x.events.size());
  std::vector<Bytes> carried(x.messages.size());  // piggybacked on the wire, encoded
  for (std::size_t k = 0; k < x.events.size(); ++k) {
    const auto& e = x.events[k];
    ProcessVectorClock& clock = clocks[static_cast<std::size_t>(e.process)];
    switch (e.kind) {
      case EventKind::kLocal: clock.tick(); break;
      case EventKind::kSend:
        carried[static_cast<std::size_t>(e.message)] = clock.on_send().encode();
        break;
      case EventKind::kReceive: {
        auto m = VectorClock::decode(carried[static_cast<std::size_t>(e.message)]);
        SYNOD_ASSERT(m.is_ok());
        SYNOD_ASSERT(clock.on_receive(*m).is_ok());
        break;
      }
    }
    stamps[k] = clock.clock();
  }
  return stamps;
}

TEST(VectorClockProperty, StrongClockConditionOnRandomExecutions) {
  // Fidge/Mattern: e -> f iff V(e) < V(f); e || f iff V(e) and V(f) are incomparable; and
  // distinct events have distinct timestamps.
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    Rng rng(seed);
    ExecutionParams p;
    p.processes = static_cast<int>(rng.between(1, 8));
    p.events = static_cast<int>(rng.between(0, 60 * p.processes));
    p.p_send = 0.1 + 0.5 * rng.unit();
    const auto x = RandomExecution::generate(rng, p);
    const auto v = replay(x);
    for (int e = 0; e < x.size(); ++e) {
      for (int f = 0; f < x.size(); ++f) {
        const Order o = v[static_cast<std::size_t>(e)].compare(v[static_cast<std::size_t>(f)]);
        Order want = Order::kConcurrent;
        if (e == f) {
          want = Order::kEqual;
        } else if (x.happened_before(e, f)) {
          want = Order::kBefore;
        } else if (x.happened_before(f, e)) {
          want = Order::kAfter;
        }
        ASSERT_EQ(o, want) << "seed " << seed << " events " << e << ", " << f << ": "
                           << v[static_cast<std::size_t>(e)].to_string() << " vs "
                           << v[static_cast<std::size_t>(f)].to_string();
      }
    }
  }
}

}  // namespace
}  // namespace synod::causal
