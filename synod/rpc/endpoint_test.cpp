// The RPC endpoint under the simulator: call semantics (docs/protocols/rpc.md), each test citing
// the rule it checks. Every simulation runs the R1-R4 checkers of rpc_checker.hpp.
#include <gtest/gtest.h>
#include <algorithm>

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
using workload::RelayRequest;
using workload::Value;

// Every node serves a CounterServant; `servants[id]` lets the test look inside.
struct Cluster {
  std::map<NodeId, std::shared_ptr<CounterServant>> servants;
  NodeSetup setup() {
    return [this](NodeId id, Endpoint& ep) {
      auto s = std::make_shared<CounterServant>();
      servants[id] = s;
      ASSERT_TRUE(ep.serve<Counter>(kCounterId, s).is_ok());
    };
  }
};

void expect_clean(sim::Simulator& s) {
  ASSERT_FALSE(s.result().violation) << s.result().violation->message;
}

TEST(RpcEndpoint, CallReturnsTheServantsResponse) {
  Cluster c;
  sim::Simulator s(sim_options("none", 2), cluster(c.setup()), rpc_checkers());
  s.start();
  auto r = sim_call(s, 1, [](Endpoint& ep) {
    return ep.proxy<Counter>(2, kCounterId).call<Counter::kAdd>(AddRequest{5, 0});
  });
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->value, 5);
  auto g = sim_call(s, 1, [](Endpoint& ep) {
    return ep.proxy<Counter>(2, kCounterId).call<Counter::kGet>(Empty{});
  });
  ASSERT_TRUE(g.is_ok());
  EXPECT_EQ(g->value, 5);
  EXPECT_EQ(c.servants[2]->value(), 5);
  expect_clean(s);
}

// Dispatcher: unknown object -> NOT_FOUND, unknown method -> UNIMPLEMENTED, a request that does
// not decode -> INVALID_ARGUMENT; the servant never runs.
TEST(RpcEndpoint, UnknownObjectMethodAndMalformedRequestAreTypedErrors) {
  Cluster c;
  sim::Simulator s(sim_options("none", 2), cluster(c.setup()), rpc_checkers());
  s.start();
  s.run_until(ms(20));
  auto raw = [&](ObjectId obj, std::uint32_t method, Bytes payload) {
    auto out = std::make_shared<std::optional<Status>>();
    endpoint(s, 1).post([&s, out, obj, method, payload] {
      endpoint(s, 1).call_raw(RawCall{2, obj, method, false, ByteChain(payload), {}},
                              [out](Result<SharedBytes> r) { *out = r.status(); });
    });
    while (!out->has_value()) s.run_until(s.now_ns() + ms(1));
    return out->value();
  };
  EXPECT_EQ(raw(ObjectId::well_known(99), 1, {}).code(), Code::kNotFound);
  EXPECT_EQ(raw(ObjectId::well_known(kCounterId), 77, {}).code(), Code::kUnimplemented);
  EXPECT_EQ(raw(ObjectId::well_known(kCounterId), 1, {0xFF}).code(), Code::kInvalidArgument);
  EXPECT_EQ(c.servants[2]->value(), 0);
  expect_clean(s);
}

// Frames that do not decode cannot be answered (no request id): counted and dropped, never fatal.
TEST(RpcEndpoint, GarbageFramesAreCountedNotFatal) {
  class Garbage final : public Protocol {
   public:
    ProtocolId id() const override { return Endpoint::kId; }
    std::string_view name() const override { return "garbage"; }
    void on_start(Context& ctx) override { ctx.set_timer(std::chrono::milliseconds(10), 0); }
    void on_message(Context&, NodeId, ByteView) override {}
    void on_timer(Context& ctx, std::uint64_t) override {
      ctx.send(1, Bytes{0xFF, 0xFF, 0xFF});        // truncated varint
      ctx.send(1, Bytes{0x0A, 0x7F, 0x01});        // length past the end
      ctx.send(1, Bytes{});                        // no part at all
      ctx.send(1, Bytes{0x1A, 0x00, 0x12, 0x00});  // two parts (cancel + reply)
    }
  };
  sim::Simulator s(sim_options("none", 2), [](NodeId id) {
    std::vector<std::unique_ptr<Protocol>> v;
    if (id == 1)
      v.push_back(std::make_unique<Endpoint>());
    else
      v.push_back(std::make_unique<Garbage>());
    return v;
  });
  s.start();
  s.run_until(ms(500));
  EXPECT_EQ(endpoint(s, 1).stats().malformed, 4U);
}

// Retries only for idempotent methods: a non-idempotent call to an unreachable server is sent once
// and ends with DEADLINE_EXCEEDED at its deadline.
TEST(RpcEndpoint, NonIdempotentCallIsSentOnceAndTimesOut) {
  Cluster c;
  sim::Simulator s(sim_options("@0s partition 1|2", 2), cluster(c.setup()), rpc_checkers());
  s.start();
  s.run_until(ms(20));
  CallOptions o;
  o.deadline = std::chrono::milliseconds(700);
  auto r = sim_call(s, 1, [o](Endpoint& ep) {
    return ep.proxy<Counter>(2, kCounterId).call<Counter::kAdd>(AddRequest{1, 0}, o);
  });
  EXPECT_EQ(r.status().code(), Code::kDeadlineExceeded);
  EXPECT_EQ(endpoint(s, 1).stats().transmissions, 1U);
  expect_clean(s);
}

// Idempotent methods are retransmitted with backoff until the deadline: they get through loss.
TEST(RpcEndpoint, IdempotentCallsAreRetransmittedThroughLoss) {
  Cluster c;
  sim::Simulator s(sim_options("loss=0.3", 2, 7), cluster(c.setup()), rpc_checkers());
  s.start();
  int ok = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = sim_call(s, 1, [](Endpoint& ep) {
      return ep.proxy<Counter>(2, kCounterId).call<Counter::kGet>(Empty{});
    });
    ok += r.is_ok() ? 1 : 0;
  }
  EXPECT_GE(ok, 17);  // 5 attempts at 0.49 success each: ~0.04 failure
  EXPECT_GT(endpoint(s, 1).stats().retries, 5U);
  expect_clean(s);
}

// At-most-once: with every message duplicated, each add runs exactly once; duplicates are
// answered from the dedup table or coalesced with the running call.
TEST(RpcEndpoint, DuplicatedRequestsExecuteOnce) {
  Cluster c;
  sim::Simulator s(sim_options("dup=1,reorder=0.5", 2), cluster(c.setup()), rpc_checkers());
  s.start();
  for (int i = 1; i <= 20; ++i) {
    auto r = sim_call(s, 1, [](Endpoint& ep) {
      return ep.proxy<Counter>(2, kCounterId).call<Counter::kAdd>(AddRequest{1, 0});
    });
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->value, i);
  }
  s.run_until(s.now_ns() + ms(100));
  const auto& st = endpoint(s, 2).stats();
  EXPECT_GT(st.duplicates_answered + st.duplicates_coalesced, 10U);
  EXPECT_EQ(c.servants[2]->value(), 20);
  expect_clean(s);
}

// Server crash mid-call: the client sees DEADLINE_EXCEEDED or UNAVAILABLE, never a result; the
// restarted server refuses requests addressed to its earlier life instead of running them again.
TEST(RpcEndpoint, ServerCrashMidCallNeverGivesAWrongResult) {
  Cluster c;
  auto first = std::make_shared<std::optional<Status>>();
  NodeSetup base = c.setup();
  NodeSetup setup = [&, base, first](NodeId id, Endpoint& ep) {
    base(id, ep);
    if (id != 1) return;
    ep.after(std::chrono::milliseconds(100), [&ep, first] {
      CallOptions o;
      o.deadline = std::chrono::seconds(2);
      ep.proxy<Counter>(2, kCounterId)
          .call<Counter::kSlowAdd>(
              AddRequest{1, 500}, [first](Result<Value> r) { *first = r.status(); }, o);
    });
  };
  sim::Simulator s(sim_options("@300ms crash 2; @400ms restart 2", 2), cluster(setup),
                   rpc_checkers());
  s.start();
  s.run_until(ms(3000));
  ASSERT_TRUE(first->has_value());
  EXPECT_TRUE((*first)->code() == Code::kDeadlineExceeded || (*first)->code() == Code::kUnavailable)
      << (*first)->to_string();
  // The next non-idempotent call is addressed to the old life: refused (may-have-run semantics).
  auto next = sim_call(s, 1, [](Endpoint& ep) {
    return ep.proxy<Counter>(2, kCounterId).call<Counter::kAdd>(AddRequest{1, 0});
  });
  EXPECT_EQ(next.status().code(), Code::kUnavailable);
  EXPECT_GE(endpoint(s, 2).stats().refused_wrong_epoch, 1U);
  auto after = sim_call(s, 1, [](Endpoint& ep) {
    return ep.proxy<Counter>(2, kCounterId).call<Counter::kAdd>(AddRequest{1, 0});
  });
  ASSERT_TRUE(after.is_ok());
  EXPECT_EQ(after->value, 1);  // the new life's counter: nothing ran twice
  EXPECT_EQ(endpoint(s, 2).epoch(), 2U);
  expect_clean(s);
}

// Cancellation reaches the servant: the client completes CANCELLED at once and the servant,
// polling call.cancelled(), stops without its side effect.
TEST(RpcEndpoint, CancellationReachesTheServant) {
  Cluster c;
  sim::Simulator s(sim_options("latency=fixed:5ms", 2), cluster(c.setup()), rpc_checkers());
  s.start();
  s.run_until(ms(100));
  auto out = std::make_shared<std::optional<Status>>();
  endpoint(s, 1).post([&s, out] {
    Endpoint& ep = endpoint(s, 1);
    const CallId id = ep.proxy<Counter>(2, kCounterId)
                          .call<Counter::kSlowAdd>(AddRequest{1, 300},
                                                   [out](Result<Value> r) { *out = r.status(); });
    ep.after(std::chrono::milliseconds(100), [&ep, id] { ep.cancel(id); });
  });
  s.run_until(s.now_ns() + ms(2000));
  ASSERT_TRUE(out->has_value());
  EXPECT_EQ((*out)->code(), Code::kCancelled);
  EXPECT_EQ(c.servants[2]->cancelled_seen(), 1U);
  EXPECT_EQ(c.servants[2]->value(), 0);
  EXPECT_EQ(endpoint(s, 2).stats().cancels_received, 1U);
  expect_clean(s);
}

// Deadlines propagate: a nested call made with call.nested() carries what is left of the outer
// budget, so the innermost server sees less time than the outer caller gave.
TEST(RpcEndpoint, DeadlinePropagatesToNestedCalls) {
  struct Seen {
    Duration remaining{0};
  };
  auto seen = std::make_shared<Seen>();
  class Recorder final : public Counter {
   public:
    explicit Recorder(std::shared_ptr<Seen> s) : seen_(std::move(s)) {}
    Result<Value> add(ServerCall& call, const AddRequest&) override {
      seen_->remaining = call.remaining();
      return Value{1};
    }
    Result<Value> get(ServerCall&, const Empty&) override { return Value{}; }
    Task<Result<Value>> slow_add(ServerCall&, AddRequest) override { co_return Value{}; }
    Task<Result<Value>> relay(ServerCall&, RelayRequest) override { co_return Value{}; }
    Result<workload::OpenReply> open(ServerCall&, const Empty&) override {
      return workload::OpenReply{};
    }

   private:
    std::shared_ptr<Seen> seen_;
  };
  NodeSetup setup = [seen](NodeId id, Endpoint& ep) {
    if (id == 3) {
      ASSERT_TRUE(ep.serve<Counter>(kCounterId, std::make_shared<Recorder>(seen)).is_ok());
    } else {
      ASSERT_TRUE(ep.serve<Counter>(kCounterId, std::make_shared<CounterServant>()).is_ok());
    }
  };
  sim::Simulator s(sim_options("latency=fixed:20ms", 3), cluster(setup), rpc_checkers());
  s.start();
  s.run_until(ms(20));
  // Warm up the epochs so the measured call makes no handshake round trips.
  (void)sim_call(s, 2, [](Endpoint& ep) {
    return ep.proxy<Counter>(3, kCounterId).call<Counter::kGet>(Empty{});
  });
  (void)sim_call(s, 1, [](Endpoint& ep) {
    return ep.proxy<Counter>(2, kCounterId).call<Counter::kGet>(Empty{});
  });
  CallOptions o;
  o.deadline = std::chrono::milliseconds(500);
  auto r = sim_call(s, 1, [o](Endpoint& ep) {
    return ep.proxy<Counter>(2, kCounterId).call<Counter::kRelay>(RelayRequest{3, 1, 150}, o);
  });
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  // 500 ms minus the 150 ms the relay spent before its nested call. Budgets are relative, so
  // transit time is not deducted (as with gRPC's grpc-timeout).
  EXPECT_LE(seen->remaining, std::chrono::milliseconds(350));
  EXPECT_GE(seen->remaining, std::chrono::milliseconds(340));
  expect_clean(s);
}

// Interceptors: the client chain adds auth metadata, the server chain rejects calls without it
// (the servant never runs) and sees every completion.
TEST(RpcEndpoint, InterceptorsCarryMetadataAndCanReject) {
  class AddToken final : public ClientInterceptor {
   public:
    Status on_start(const CallInfo&, Metadata& md) override {
      md["token"] = "s3cret";
      return Status::ok();
    }
    void on_complete(const CallInfo&, const Status&) override { ++completed; }
    int completed = 0;
  };
  class RequireToken final : public ServerInterceptor {
   public:
    Status on_receive(const CallInfo& info, const Metadata& md) override {
      if (info.object.is_well_known() && info.object.lo < kFirstAppWellKnown)
        return Status::ok();  // DGC
      auto it = md.find("token");
      if (it == md.end() || it->second != "s3cret")
        return Status(Code::kPermissionDenied, "no token");
      return Status::ok();
    }
    void on_complete(const CallInfo&, const Status&) override { ++completed; }
    int completed = 0;
  };
  auto client = std::make_shared<AddToken>();
  auto server = std::make_shared<RequireToken>();
  Cluster c;
  NodeSetup base = c.setup();
  NodeSetup setup = [&, base](NodeId id, Endpoint& ep) {
    base(id, ep);
    if (id == 1) ep.add_client_interceptor(client);
    if (id == 2) ep.add_server_interceptor(server);
  };
  sim::Simulator s(sim_options("none", 3), cluster(setup), rpc_checkers());
  s.start();
  auto call_from = [&](NodeId from) {
    return sim_call(s, from, [](Endpoint& ep) {
      return ep.proxy<Counter>(2, kCounterId).call<Counter::kAdd>(AddRequest{1, 0});
    });
  };
  EXPECT_TRUE(call_from(1).is_ok());
  EXPECT_EQ(call_from(3).status().code(), Code::kPermissionDenied);
  EXPECT_EQ(c.servants[2]->value(), 1);
  EXPECT_EQ(client->completed, 1);
  EXPECT_EQ(server->completed, 1);
  expect_clean(s);
}

// Limits at their edges: a payload exactly at max_payload_bytes goes, one byte more is refused
// locally; a server with a smaller limit refuses the request itself; a zero deadline fails at once.
TEST(RpcEndpoint, PayloadAndDeadlineLimits) {
  Cluster c;
  RpcLimits limits;
  limits.max_payload_bytes = 1000;
  sim::Simulator s(sim_options("none", 2), cluster(c.setup(), limits), rpc_checkers());
  s.start();
  s.run_until(ms(20));
  auto raw = [&](std::size_t n, std::optional<Duration> deadline) {
    auto out = std::make_shared<std::optional<Status>>();
    endpoint(s, 1).post([&s, out, n, deadline] {
      CallOptions o;
      o.deadline = deadline;
      // Method 2 (get) ignores unknown fields: pad with an unknown bytes field 15.
      Bytes p = {0x7A};
      const std::size_t body = n - 3;
      p.push_back(static_cast<std::uint8_t>(0x80 | (body & 0x7F)));
      p.push_back(static_cast<std::uint8_t>(body >> 7U));
      p.resize(n, 0);
      endpoint(s, 1).call_raw(
          RawCall{2, ObjectId::well_known(kCounterId), 2, true, ByteChain(std::move(p)), o},
          [out](Result<SharedBytes> r) { *out = r.status(); });
    });
    while (!out->has_value()) s.run_until(s.now_ns() + ms(1));
    return out->value();
  };
  EXPECT_TRUE(raw(1000, std::nullopt).is_ok());
  EXPECT_EQ(raw(1001, std::nullopt).code(), Code::kResourceExhausted);
  EXPECT_EQ(raw(200, Duration::zero()).code(), Code::kDeadlineExceeded);
  expect_clean(s);
}

}  // namespace
}  // namespace synod::rpc

namespace synod::rpc {
namespace {

TEST(RpcMessages, ReplyHeadPlusPayloadIsTheEncodedFrame) {
  for (std::size_t n : {std::size_t{0}, std::size_t{5}, std::size_t{300}, std::size_t{1} << 20U}) {
    RpcFrame frame;
    RpcReply& r = frame.reply.emplace();
    r.session = 0x1234'5678'9ABC'DEF0;
    r.seq = 77;
    r.server_epoch = 3;
    r.message = "ok";
    const Bytes payload(n, 0xAB);
    Bytes wire_bytes = encode_reply_head(r, payload.size());
    wire_bytes.insert(wire_bytes.end(), payload.begin(), payload.end());
    auto back = wire::decode<RpcFrame>(wire_bytes);
    ASSERT_TRUE(back) << back.status().to_string();
    ASSERT_TRUE(back->reply.has_value());
    EXPECT_EQ(back->reply->payload.to_bytes(), payload);
    EXPECT_EQ(back->reply->session, r.session);
    EXPECT_EQ(back->reply->seq, 77U);
    EXPECT_EQ(back->reply->message, "ok");
  }
}

// The client sends a request as its head then the payload's own pieces; decoded from one shared
// buffer, a large payload aliases it.
TEST(RpcMessages, RequestHeadPlusPayloadPiecesIsTheEncodedFrame) {
  for (std::size_t n : {std::size_t{0}, std::size_t{5}, std::size_t{300}, std::size_t{1} << 20U}) {
    RpcRequest r;
    r.session = 0x0FED'CBA9'8765'4321;
    r.seq = 9;
    r.object = ObjectId::well_known(5);
    r.method = 3;
    r.deadline_ns = 1'000'000;
    r.flags = kFlagIdempotent;
    r.metadata = {{"k", "v"}};
    ByteChain message(encode_request_head(r, n));
    message.append(Bytes(n / 2, 0x11));
    message.append(Bytes(n - n / 2, 0x22));
    const SharedBytes whole(message.flatten());
    auto back = wire::decode<RpcFrame>(whole);
    ASSERT_TRUE(back) << back.status().to_string();
    ASSERT_TRUE(back->request.has_value());
    const RpcRequest& got = *back->request;
    ASSERT_EQ(got.payload.size(), n);
    EXPECT_TRUE(std::all_of(got.payload.begin(), got.payload.begin() + n / 2,
                            [](std::uint8_t b) { return b == 0x11; }));
    EXPECT_TRUE(std::all_of(got.payload.begin() + n / 2, got.payload.end(),
                            [](std::uint8_t b) { return b == 0x22; }));
    EXPECT_EQ(got.seq, 9U);
    EXPECT_EQ(got.method, 3U);
    EXPECT_EQ(got.flags, kFlagIdempotent);
    EXPECT_EQ(got.metadata.at("k"), "v");
    if (n >= wire::Limits{}.min_alias_bytes) {
      EXPECT_TRUE(got.payload.data() >= whole.data() && got.payload.end() <= whole.end());
    }
  }
}

}  // namespace
}  // namespace synod::rpc
