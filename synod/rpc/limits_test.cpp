// Every bound of limits.hpp at its edge (STYLE.md 11): at the limit the call, entry or object is
// accepted; one past it, it is refused with a clear error or dropped and counted. One test per
// RpcLimits field (or per pair that forms one bound), named after it.
#include <gtest/gtest.h>

#include "synod/rpc/dgc.hpp"
#include "synod/rpc/rpc_test_util.hpp"
#include "synod/rpc/workload.hpp"

namespace synod::rpc {
namespace {

using namespace test_util;  // NOLINT(google-build-using-namespace)
using workload::AddRequest;
using workload::Counter;
using workload::CounterServant;
using workload::Empty;
using workload::kCounterId;
using workload::Value;

NodeSetup serve_counter() {
  return [](NodeId, Endpoint& ep) {
    ASSERT_TRUE(ep.serve<Counter>(kCounterId, std::make_shared<CounterServant>()).is_ok());
  };
}

// Node 1 runs `client` limits, every other node `server` limits.
sim::ProtocolFactory two_limits(RpcLimits client, RpcLimits server) {
  return [client, server](NodeId id) {
    std::vector<std::unique_ptr<App>> apps;
    apps.push_back(make_app([id](Endpoint& ep) { serve_counter()(id, ep); }));
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::make_unique<Endpoint>(id == 1 ? client : server, std::move(apps)));
    return v;
  };
}

struct Outcome {
  Status status;
  std::int64_t took_ns = 0;  // true time from the start of the call to its completion (+< 1 ms)
};

// Starts one call on node 1 (start(ep, done) returns nothing) and runs until it completes. A
// posted closure runs at the endpoint's next input: the call starts then, not at post().
template <typename Start>
Outcome run_call(sim::Simulator& s, Start start) {
  while (s.node(1) == nullptr || s.node(2) == nullptr) s.run_until(s.now_ns() + ms(1));
  auto out = std::make_shared<std::optional<Status>>();
  auto started = std::make_shared<std::int64_t>(-1);
  endpoint(s, 1).post([&s, out, started, start] {
    *started = s.now_ns();
    start(endpoint(s, 1), [out](const Status& st) { *out = st; });
  });
  while (!out->has_value()) s.run_until(s.now_ns() + ms(1));
  return {out->value(), s.now_ns() - *started};
}

// A Counter.get (ignores unknown fields) padded to exactly n payload bytes with field 15.
Bytes padded_get(std::size_t n) {
  Bytes p = {0x7A};
  const std::size_t body = n - 3;
  p.push_back(static_cast<std::uint8_t>(0x80U | (body & 0x7FU)));
  p.push_back(static_cast<std::uint8_t>(body >> 7U));
  p.resize(n, 0);
  return p;
}

auto raw_get(std::size_t n, CallOptions o = {}) {
  return [n, o](Endpoint& ep, std::function<void(const Status&)> done) {
    ep.call_raw(RawCall{2, ObjectId::well_known(kCounterId), Counter::kGet.id, true,
                        ByteChain(padded_get(n)), o},
                [done](Result<SharedBytes> r) { done(r.status()); });
  };
}

auto add_call(CallOptions o = {}, std::uint32_t delay_ms = 0) {
  return [o, delay_ms](Endpoint& ep, std::function<void(const Status&)> done) {
    ep.proxy<Counter>(2, kCounterId)
        .call<Counter::kSlowAdd>(
            AddRequest{1, delay_ms}, [done](Result<Value> r) { done(r.status()); }, o);
  };
}

auto get_call(CallOptions o = {}) {
  return [o](Endpoint& ep, std::function<void(const Status&)> done) {
    ep.proxy<Counter>(2, kCounterId)
        .call<Counter::kGet>(
            Empty{}, [done](Result<Value> r) { done(r.status()); }, o);
  };
}

// max_payload_bytes, client side: exactly at the limit goes, one byte more is refused locally.
TEST(RpcLimits, MaxPayloadBytesClient) {
  RpcLimits l;
  l.max_payload_bytes = 1000;
  sim::Simulator s(sim_options("none", 2), cluster(serve_counter(), l), rpc_checkers());
  s.start();
  s.run_until(ms(20));
  EXPECT_TRUE(run_call(s, raw_get(1000)).status.is_ok());
  const Outcome over = run_call(s, raw_get(1001));
  EXPECT_EQ(over.status.code(), Code::kResourceExhausted);
  EXPECT_NE(over.status.message().find("exceeds 1000"), std::string::npos);
  EXPECT_EQ(endpoint(s, 1).stats().transmissions, 2U);  // 1000: handshake + call; 1001: never sent
}

// max_payload_bytes, server side: a server with a smaller limit than its client does not decode a
// request past its limit (the frame is dropped and counted as malformed, nothing runs).
TEST(RpcLimits, MaxPayloadBytesServer) {
  RpcLimits client;
  RpcLimits server;
  server.max_payload_bytes = 1000;
  sim::Simulator s(sim_options("none", 2), two_limits(client, server), rpc_checkers());
  s.start();
  s.run_until(ms(20));
  EXPECT_TRUE(run_call(s, raw_get(1000)).status.is_ok());
  EXPECT_EQ(endpoint(s, 2).stats().malformed, 0U);
  CallOptions o;
  o.deadline = std::chrono::milliseconds(300);
  EXPECT_EQ(run_call(s, raw_get(1001, o)).status.code(), Code::kDeadlineExceeded);
  EXPECT_GE(endpoint(s, 2).stats().malformed, 1U);
}

// max_metadata_entries: 16 entries go, 17 are refused before anything is sent.
TEST(RpcLimits, MaxMetadataEntries) {
  RpcLimits l;
  sim::Simulator s(sim_options("none", 2), cluster(serve_counter(), l), rpc_checkers());
  s.start();
  auto with = [](std::size_t n) {
    CallOptions o;
    for (std::size_t i = 0; i < n; ++i) o.metadata["k" + std::to_string(i)] = "v";
    return o;
  };
  EXPECT_TRUE(run_call(s, get_call(with(l.max_metadata_entries))).status.is_ok());
  const Outcome over = run_call(s, get_call(with(l.max_metadata_entries + 1)));
  EXPECT_EQ(over.status.code(), Code::kInvalidArgument);
  EXPECT_NE(over.status.message().find("17 entries (max 16)"), std::string::npos);
}

// max_metadata_bytes: a key and a value of 256 bytes go, 257 are refused.
TEST(RpcLimits, MaxMetadataBytes) {
  RpcLimits l;
  sim::Simulator s(sim_options("none", 2), cluster(serve_counter(), l), rpc_checkers());
  s.start();
  auto with = [](std::size_t key, std::size_t value) {
    CallOptions o;
    o.metadata[std::string(key, 'k')] = std::string(value, 'v');
    return o;
  };
  const std::size_t n = l.max_metadata_bytes;
  EXPECT_TRUE(run_call(s, get_call(with(n, n))).status.is_ok());
  EXPECT_EQ(run_call(s, get_call(with(n + 1, 1))).status.code(), Code::kInvalidArgument);
  EXPECT_EQ(run_call(s, get_call(with(1, n + 1))).status.code(), Code::kInvalidArgument);
}

// max_pending_calls: with 3 calls outstanding a 4th fails at once, RESOURCE_EXHAUSTED.
TEST(RpcLimits, MaxPendingCalls) {
  RpcLimits l;
  l.max_pending_calls = 3;
  // Declared before the simulator: its endpoints complete the pending calls when they die.
  std::vector<Status> early;
  bool started = false;
  sim::Simulator s(sim_options("@0s partition 1|2", 2), cluster(serve_counter(), l),
                   rpc_checkers());
  s.start();
  s.run_until(ms(20));
  endpoint(s, 1).post([&s, &early, &started] {
    Endpoint& ep = endpoint(s, 1);
    for (int i = 0; i < 4; ++i) {
      add_call()(ep, [&early](const Status& st) { early.push_back(st); });
    }
    EXPECT_EQ(ep.pending_calls(), 3U);
    started = true;
  });
  while (!started) s.run_until(s.now_ns() + ms(1));
  s.run_until(s.now_ns() + ms(10));
  ASSERT_EQ(early.size(), 1U);
  EXPECT_EQ(early[0].code(), Code::kResourceExhausted);
  EXPECT_EQ(endpoint(s, 1).stats().transmissions, 3U);
}

// max_running_calls: a server running 2 calls refuses a 3rd with RESOURCE_EXHAUSTED, unexecuted.
TEST(RpcLimits, MaxRunningCalls) {
  RpcLimits l;
  l.max_running_calls = 2;
  std::vector<Status> done;  // before the simulator, which outlives no completion
  bool started = false;
  sim::Simulator s(sim_options("latency=fixed:5ms", 2), cluster(serve_counter(), l),
                   rpc_checkers());
  s.start();
  s.run_until(ms(20));
  (void)run_call(s, get_call());  // learn the server's epoch first: no handshakes below
  endpoint(s, 1).post([&s, &done, &started] {
    for (int i = 0; i < 3; ++i) {
      add_call({}, 200)(endpoint(s, 1), [&done](const Status& st) { done.push_back(st); });
    }
    started = true;
  });
  while (!started) s.run_until(s.now_ns() + ms(1));
  s.run_until(s.now_ns() + ms(100));
  EXPECT_EQ(endpoint(s, 2).running_calls(), 2U);
  ASSERT_EQ(done.size(), 1U);
  EXPECT_EQ(done[0].code(), Code::kResourceExhausted);
  s.run_until(s.now_ns() + ms(300));
  ASSERT_EQ(done.size(), 3U);
  EXPECT_TRUE(done[1].is_ok() && done[2].is_ok());
  EXPECT_EQ(endpoint(s, 2).stats().executed, 3U);  // the get and the two admitted adds
}

// max_dedup_entries: 2 replies are kept; the 3rd completion evicts the oldest, whose late
// duplicate is then refused (kExpired, answered ABORTED), never executed again.
TEST(RpcLimits, MaxDedupEntries) {
  DedupTable t(2, std::chrono::seconds(30), 10);
  const Time t0{};
  for (std::uint64_t seq = 1; seq <= 2; ++seq) {
    t.begin({7, seq}, t0);
    t.complete({7, seq}, ByteChain(Bytes{1}), t0);
  }
  EXPECT_EQ(t.done_count(), 2U);
  EXPECT_EQ(t.lookup({7, 1}), DedupTable::State::kDone);
  t.begin({7, 3}, t0);
  t.complete({7, 3}, ByteChain(Bytes{1}), t0);
  EXPECT_EQ(t.done_count(), 2U);
  EXPECT_EQ(t.evicted(), 1U);
  EXPECT_EQ(t.lookup({7, 1}), DedupTable::State::kExpired);
  EXPECT_EQ(t.lookup({7, 2}), DedupTable::State::kDone);
}

// dedup_ttl: a reply is kept until it is ttl old and dropped at ttl (its duplicate: kExpired).
TEST(RpcLimits, DedupTtl) {
  DedupTable t(100, std::chrono::seconds(30), 10);
  const Time t0{};
  t.begin({7, 1}, t0);
  t.complete({7, 1}, ByteChain(Bytes{1}), t0);
  t.expire(t0 + std::chrono::seconds(30) - Duration(1));
  EXPECT_EQ(t.lookup({7, 1}), DedupTable::State::kDone);
  t.expire(t0 + std::chrono::seconds(30));
  EXPECT_EQ(t.lookup({7, 1}), DedupTable::State::kExpired);
  EXPECT_EQ(t.evicted(), 1U);
}

// max_dedup_sessions: 2 sessions' floors are kept; a 3rd session forgets the least recently seen.
TEST(RpcLimits, MaxDedupSessions) {
  DedupTable t(1, std::chrono::seconds(30), 2);
  const Time t0{};
  auto run = [&t](std::uint64_t session, std::uint64_t seq, Time at) {
    t.begin({session, seq}, at);
    t.complete({session, seq}, ByteChain(Bytes{1}), at);
  };
  run(1, 1, t0);
  run(2, 1, t0 + Duration(1));  // evicts (1,1): session 1's floor is 1
  EXPECT_EQ(t.session_count(), 2U);
  EXPECT_EQ(t.lookup({1, 1}), DedupTable::State::kExpired);
  run(3, 1, t0 + Duration(2));  // a 3rd session: session 1 (least recently seen) is forgotten
  EXPECT_EQ(t.session_count(), 2U);
  EXPECT_EQ(t.lookup({1, 1}), DedupTable::State::kNew);  // the bound the header documents
  EXPECT_EQ(t.lookup({2, 1}), DedupTable::State::kExpired);
}

// max_kept_reply_bytes: a reply of exactly that many encoded bytes is kept for duplicates; one
// byte smaller a limit keeps nothing (a duplicate is then refused ABORTED, never re-executed).
TEST(RpcLimits, MaxKeptReplyBytes) {
  auto kept_reply = [](std::size_t max_kept) {
    RpcLimits l;
    l.max_kept_reply_bytes = max_kept;
    sim::Simulator s(sim_options("none", 2), cluster(serve_counter(), l), rpc_checkers());
    s.start();
    EXPECT_TRUE(run_call(s, add_call()).status.is_ok());
    const RequestKey first{endpoint(s, 1).session(), 1};  // the first call's request id
    EXPECT_EQ(endpoint(s, 2).dedup().lookup(first), DedupTable::State::kDone);
    return endpoint(s, 2).dedup().reply(first).size();
  };
  const std::size_t size = kept_reply(1U << 20U);  // the encoded reply, kept
  ASSERT_GT(size, 0U);
  EXPECT_EQ(kept_reply(size), size);
  EXPECT_EQ(kept_reply(size - 1), 0U);
}

// default_deadline: a call without a deadline gets default_deadline, not more, not less.
TEST(RpcLimits, DefaultDeadline) {
  RpcLimits l;
  l.default_deadline = std::chrono::milliseconds(300);
  sim::Simulator s(sim_options("@0s partition 1|2", 2), cluster(serve_counter(), l),
                   rpc_checkers());
  s.start();
  s.run_until(ms(20));
  const Outcome o = run_call(s, add_call());
  EXPECT_EQ(o.status.code(), Code::kDeadlineExceeded);
  EXPECT_GE(o.took_ns, ms(300));
  EXPECT_LE(o.took_ns, ms(301));
}

// max_deadline: a longer deadline is capped at max_deadline; exactly max_deadline is kept.
TEST(RpcLimits, MaxDeadline) {
  RpcLimits l;
  l.max_deadline = std::chrono::milliseconds(400);
  sim::Simulator s(sim_options("@0s partition 1|2", 2), cluster(serve_counter(), l),
                   rpc_checkers());
  s.start();
  s.run_until(ms(20));
  for (auto asked : {std::chrono::milliseconds(400), std::chrono::milliseconds(401)}) {
    CallOptions o;
    o.deadline = asked;
    const Outcome out = run_call(s, add_call(o));
    EXPECT_EQ(out.status.code(), Code::kDeadlineExceeded);
    EXPECT_GE(out.took_ns, ms(400));
    EXPECT_LE(out.took_ns, ms(401)) << asked.count();
  }
}

// max_attempts: an idempotent call to an unreachable server is transmitted exactly max_attempts
// times, however long its deadline.
TEST(RpcLimits, MaxAttempts) {
  RpcLimits l;
  l.max_attempts = 3;
  l.attempt_timeout = std::chrono::milliseconds(50);
  sim::Simulator s(sim_options("@0s partition 1|2", 2), cluster(serve_counter(), l),
                   rpc_checkers());
  s.start();
  s.run_until(ms(20));
  CallOptions o;
  o.deadline = std::chrono::seconds(3);
  EXPECT_EQ(run_call(s, get_call(o)).status.code(), Code::kDeadlineExceeded);
  EXPECT_EQ(endpoint(s, 1).stats().transmissions, 3U);
  EXPECT_EQ(endpoint(s, 1).stats().retries, 2U);
}

// attempt_timeout and attempt_timeout_max: the 1st retransmission comes attempt_timeout after
// the first send (plus at most 10% jitter), the next ones double it but never past the cap.
TEST(RpcLimits, AttemptTimeoutAndCap) {
  RpcLimits l;
  l.attempt_timeout = std::chrono::milliseconds(100);
  l.attempt_timeout_max = std::chrono::milliseconds(150);
  sim::Simulator s(sim_options("@0s partition 1|2", 2), cluster(serve_counter(), l),
                   rpc_checkers());
  s.start();
  s.run_until(ms(20));
  CallOptions o;
  o.deadline = std::chrono::seconds(2);
  std::int64_t t0 = -1;
  endpoint(s, 1).post([&s, &t0, o] {
    t0 = s.now_ns();
    get_call(o)(endpoint(s, 1), [](const Status&) {});
  });
  while (t0 < 0) s.run_until(s.now_ns() + ms(1));
  auto sent_by = [&](std::int64_t after_ms) {
    s.run_until(t0 + ms(after_ms));
    return endpoint(s, 1).stats().transmissions;
  };
  EXPECT_EQ(sent_by(99), 1U);
  EXPECT_EQ(sent_by(111), 2U);  // 100 ms + jitter
  EXPECT_EQ(sent_by(249), 2U);  // >= 100 + 150
  EXPECT_EQ(sent_by(276), 3U);  // <= 110 + 165: the 2nd timeout is min(200, 150), not 200
  EXPECT_EQ(sent_by(349), 3U);
  EXPECT_EQ(sent_by(443), 4U);  // capped again: <= 275 + 165
}

// retry_backoff: an idempotent call refused because the server restarted is resent under a new
// id after retry_backoff * 2^attempts (+ up to as much jitter), not before.
TEST(RpcLimits, RetryBackoff) {
  RpcLimits l;
  l.retry_backoff = std::chrono::milliseconds(100);
  sim::Simulator s(sim_options("latency=fixed:5ms; @2s crash 2; @2100ms restart 2", 2),
                   cluster(serve_counter(), l), rpc_checkers());
  s.start();
  s.run_until(ms(20));
  EXPECT_TRUE(run_call(s, get_call()).status.is_ok());  // learns epoch 1
  ASSERT_LT(s.now_ns(), ms(2000));
  s.run_until(ms(2500));
  const Outcome o = run_call(s, get_call());  // addressed to epoch 1: refused, then retried
  ASSERT_TRUE(o.status.is_ok()) << o.status.to_string();
  // 10 ms to the refusal, backoff 100 ms * 2^1 (+ jitter up to 200 ms), 10 ms for the retry.
  EXPECT_GE(o.took_ns, ms(220));
  EXPECT_LE(o.took_ns, ms(421));
  EXPECT_EQ(endpoint(s, 1).stats().retries, 1U);
}

// max_handshakes: a call to a server whose epoch the client does not know makes one handshake;
// with max_handshakes = 1 it goes, with 0 it fails UNAVAILABLE after the first refusal.
TEST(RpcLimits, MaxHandshakes) {
  for (std::uint32_t max : {1U, 0U}) {
    RpcLimits l;
    l.max_handshakes = max;
    sim::Simulator s(sim_options("none", 2), cluster(serve_counter(), l), rpc_checkers());
    s.start();
    s.run_until(ms(20));
    const Outcome o = run_call(s, add_call());
    if (max == 1) {
      EXPECT_TRUE(o.status.is_ok()) << o.status.to_string();
    } else {
      EXPECT_EQ(o.status.code(), Code::kUnavailable);
      EXPECT_NE(o.status.message().find("keeps restarting"), std::string::npos);
    }
    EXPECT_EQ(endpoint(s, 2).stats().refused_wrong_epoch, 1U);
  }
}

// lease: an exported object nobody holds survives until one lease after its export, and is
// collected by the next sweep after that (sweeps every 500 ms).
TEST(RpcLimits, Lease) {
  RpcLimits l;
  l.lease = std::chrono::seconds(1);
  NodeSetup setup = [](NodeId id, Endpoint& ep) {
    serve_counter()(id, ep);
    if (id == 2) {
      ASSERT_TRUE(ep.export_object<Counter>(std::make_shared<CounterServant>()));
    }
  };
  sim::Simulator s(sim_options("none", 2), cluster(setup, l), rpc_checkers());
  s.start();
  s.run_until(ms(999));
  EXPECT_EQ(endpoint(s, 2).collectable_objects(), 1U);
  s.run_until(ms(1501));
  EXPECT_EQ(endpoint(s, 2).collectable_objects(), 0U);
  EXPECT_EQ(endpoint(s, 2).stats().collected, 1U);
}

// max_exported_objects: the adapter holds that many objects (the DGC servant and the Counter
// included); one more export is RESOURCE_EXHAUSTED.
TEST(RpcLimits, MaxExportedObjects) {
  RpcLimits l;
  l.max_exported_objects = 4;
  std::vector<Status> exports;
  NodeSetup setup = [&exports](NodeId id, Endpoint& ep) {
    serve_counter()(id, ep);
    if (id != 2) return;
    for (int i = 0; i < 3; ++i)
      exports.push_back(ep.export_object<Counter>(std::make_shared<CounterServant>()).status());
  };
  sim::Simulator s(sim_options("none", 2), cluster(setup, l), rpc_checkers());
  s.start();
  s.run_until(ms(10));
  ASSERT_EQ(exports.size(), 3U);
  EXPECT_TRUE(exports[0].is_ok() && exports[1].is_ok());
  EXPECT_EQ(exports[2].code(), Code::kResourceExhausted);
  EXPECT_EQ(endpoint(s, 2).collectable_objects(), 2U);
}

// max_ids_per_dgc_call: the DGC servant takes a dirty call of that many ids and refuses one more.
TEST(RpcLimits, MaxIdsPerDgcCall) {
  RpcLimits l;
  l.max_ids_per_dgc_call = 8;
  sim::Simulator s(sim_options("none", 2), cluster(serve_counter(), l), rpc_checkers());
  s.start();
  auto dirty = [&s](std::size_t n) {
    while (s.node(1) == nullptr || s.node(2) == nullptr) s.run_until(s.now_ns() + ms(1));
    auto out = std::make_shared<std::optional<Result<DgcReply>>>();
    endpoint(s, 1).post([&s, out, n] {
      DgcRequest req;
      for (std::size_t i = 0; i < n; ++i) req.ids.push_back(ObjectId{1, 100 + i});
      Proxy<DgcService>(endpoint(s, 1), 2, kDgcObject)
          .call<DgcService::kDirty>(req, [out](Result<DgcReply> r) { *out = std::move(r); });
    });
    while (!out->has_value()) s.run_until(s.now_ns() + ms(1));
    return std::move(**out);
  };
  auto at = dirty(8);
  ASSERT_TRUE(at.is_ok()) << at.status().to_string();
  EXPECT_EQ(at->unknown.size(), 8U);  // none of them exported here
  EXPECT_EQ(dirty(9).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace synod::rpc
