// Large payloads (ADR 0006) under the simulator: a servant taking SharedBytes gets its argument
// aliased into the received message (no copy), and the shared pieces survive retransmission,
// duplicates answered from the dedup table and loss. Every simulation runs the R1-R4 checkers.
#include <gtest/gtest.h>

#include <algorithm>

#include "synod/rpc/rpc.hpp"
#include "synod/rpc/rpc_test_util.hpp"

namespace synod::rpc {
namespace {

using namespace test_util;  // NOLINT(google-build-using-namespace)

struct Blob {
  SharedBytes data;
  std::uint32_t tag = 0;  // after the payload on the wire: the encoder splices mid-message
  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&Blob::data), wire::field<2>(&Blob::tag));
};

class Store {
 public:
  virtual ~Store() = default;
  virtual Result<Blob> echo(ServerCall& call, const Blob& req) = 0;
  virtual Result<Blob> keep(ServerCall& call, const Blob& req) = 0;
  static constexpr std::string_view kInterfaceName = "synod.test.Store";
  static constexpr auto kEcho = method(1, "echo", &Store::echo, kIdempotent);
  static constexpr auto kKeep = method(2, "keep", &Store::keep);
  static constexpr auto kMethods = std::make_tuple(kEcho, kKeep);
};

class StoreServant final : public Store {
 public:
  Result<Blob> echo(ServerCall&, const Blob& req) override {
    note(req);
    return req;  // shares the received bytes: nothing is copied on the way back either
  }
  Result<Blob> keep(ServerCall&, const Blob& req) override {
    note(req);
    kept.push_back(req.data);
    return Blob{req.data.slice(0, req.data.size() / 2), req.tag};
  }

  int calls = 0;
  int aliased = 0;  // arguments that shared their storage with the received message
  std::vector<SharedBytes> kept;

 private:
  void note(const Blob& req) {
    ++calls;
    // Zero copy from the wire: the argument shares the delivered message's storage with the
    // driver's hand-over, the endpoint's view of the message and the decoded request's payload.
    // Had the frame's payload been copied, its new storage would have only two holders (that
    // payload and this argument).
    if (req.data.owner() != nullptr && req.data.owner().use_count() > 2) ++aliased;
  }
};

constexpr std::uint64_t kStoreId = kFirstAppWellKnown;

Blob pattern(std::size_t n, std::uint32_t tag) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::uint8_t>((i * 31U + tag) & 0xFFU);
  return Blob{SharedBytes(std::move(b)), tag};
}

struct Fixture {
  std::shared_ptr<StoreServant> servant = std::make_shared<StoreServant>();
  NodeSetup setup() {
    return [this](NodeId id, Endpoint& ep) {
      if (id == 2) {
        ASSERT_TRUE(ep.serve<Store>(kStoreId, servant).is_ok());
      }
    };
  }
};

RpcLimits big_limits() {
  RpcLimits l;
  l.max_payload_bytes = 4U << 20U;
  return l;
}

TEST(RpcLargePayload, ArgumentsAliasTheReceivedMessage) {
  Fixture f;
  sim::Simulator s(sim_options("none", 2), cluster(f.setup(), big_limits()), rpc_checkers());
  s.start();
  for (std::size_t n : {std::size_t{100}, std::size_t{5000}, std::size_t{1} << 20U}) {
    const Blob req = pattern(n, static_cast<std::uint32_t>(n));
    auto r = sim_call(s, 1, [&req](Endpoint& ep) {
      return ep.proxy<Store>(2, kStoreId).call<Store::kEcho>(req);
    });
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_TRUE(r->data == req.data) << n;
    EXPECT_EQ(r->tag, req.tag);
  }
  EXPECT_EQ(f.servant->calls, 3);
  EXPECT_EQ(f.servant->aliased, 2);  // 5000 B and 1 MiB; 100 B is below min_alias_bytes: copied
  ASSERT_FALSE(s.result().violation) << s.result().violation->message;
}

// Idempotent calls are retransmitted from the shared pieces the call keeps.
TEST(RpcLargePayload, RetransmissionsThroughLossCarryTheWholePayload) {
  Fixture f;
  sim::Simulator s(sim_options("loss=0.3", 2, 11), cluster(f.setup(), big_limits()),
                   rpc_checkers());
  s.start();
  int ok = 0;
  for (std::uint32_t i = 0; i < 12; ++i) {
    const Blob req = pattern(200'000 + i, i);
    auto r = sim_call(s, 1, [&req](Endpoint& ep) {
      return ep.proxy<Store>(2, kStoreId).call<Store::kEcho>(req);
    });
    if (!r.is_ok()) continue;
    ++ok;
    EXPECT_TRUE(r->data == req.data) << i;
  }
  EXPECT_GE(ok, 10);
  EXPECT_GT(endpoint(s, 1).stats().retries, 3U);
  ASSERT_FALSE(s.result().violation) << s.result().violation->message;
}

// Every message duplicated: each keep runs once, duplicates are answered with the reply the dedup
// table shares (kept below max_kept_reply_bytes), and the kept arguments stay intact after the
// messages they arrived in are gone.
TEST(RpcLargePayload, DuplicatesGetTheSharedReplyAndExecuteOnce) {
  Fixture f;
  sim::Simulator s(sim_options("dup=1,reorder=0.5", 2), cluster(f.setup(), big_limits()),
                   rpc_checkers());
  s.start();
  std::vector<Blob> sent;
  for (std::uint32_t i = 0; i < 10; ++i) {
    sent.push_back(pattern(100'000 + i, i));
    const Blob& req = sent.back();
    auto r = sim_call(s, 1, [&req](Endpoint& ep) {
      return ep.proxy<Store>(2, kStoreId).call<Store::kKeep>(req);
    });
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_TRUE(r->data == req.data.slice(0, req.data.size() / 2)) << i;
  }
  s.run_until(s.now_ns() + ms(200));
  EXPECT_EQ(f.servant->calls, 10);
  EXPECT_GT(
      endpoint(s, 2).stats().duplicates_answered + endpoint(s, 2).stats().duplicates_coalesced, 3U);
  ASSERT_EQ(f.servant->kept.size(), sent.size());
  for (std::size_t i = 0; i < sent.size(); ++i) EXPECT_TRUE(f.servant->kept[i] == sent[i].data);
  ASSERT_FALSE(s.result().violation) << s.result().violation->message;
}

}  // namespace
}  // namespace synod::rpc
