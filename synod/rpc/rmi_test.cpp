// RMI under the simulator: references returned as results become proxies, and lease-based DGC
// (object_adapter.hpp) frees servants whose references were released or whose holders died.
#include <gtest/gtest.h>

#include "synod/rpc/rpc_test_util.hpp"
#include "synod/rpc/workload.hpp"

namespace synod::rpc {
namespace {

using namespace test_util;  // NOLINT(google-build-using-namespace)
using workload::Counter;
using workload::CounterServant;
using workload::Empty;
using workload::kCounterId;
using workload::Tally;

RpcLimits short_lease() {
  RpcLimits l;
  l.lease = std::chrono::seconds(1);
  return l;
}

NodeSetup serve_counter() {
  return [](NodeId, Endpoint& ep) {
    ASSERT_TRUE(ep.serve<Counter>(kCounterId, std::make_shared<CounterServant>()).is_ok());
  };
}

// Holds proxies for the test (app state outliving one call).
struct Holdings {
  std::vector<Proxy<Tally>> tallies;
};

Task<void> open_and_hold(Endpoint& ep, std::shared_ptr<Holdings> h, int n) {
  for (int i = 0; i < n; ++i) {
    auto opened = co_await ep.proxy<Counter>(2, kCounterId).call<Counter::kOpen>(Empty{});
    if (!opened) co_return;
    auto p = ep.attach(opened->tally);
    if (p) h->tallies.push_back(*p);
  }
}

// RMI: a remote reference returned as a result becomes a proxy on arrival (attach); calls through
// it reach the one servant behind the reference.
TEST(Rmi, ReturnedReferenceBecomesAProxy) {
  sim::Simulator s(sim_options("none", 2), cluster(serve_counter(), short_lease()), rpc_checkers());
  s.start();
  auto opened = sim_call(s, 1, [](Endpoint& ep) {
    return ep.proxy<Counter>(2, kCounterId).call<Counter::kOpen>(Empty{});
  });
  ASSERT_TRUE(opened.is_ok());
  EXPECT_EQ(opened->tally.node, 2U);
  EXPECT_FALSE(opened->tally.object.is_well_known());  // a random 128-bit id
  for (std::int64_t want = 1; want <= 3; ++want) {
    auto r = sim_call(s, 1, [ref = opened->tally](Endpoint& ep) {
      return ep.attach(ref).value().call<Tally::kBump>(Empty{});
    });
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->value, want);
  }
  // A reference to another interface is refused, not silently miscalled.
  Ref<Counter> wrong{2, opened->tally.object, opened->tally.interface_id};
  endpoint(s, 1).post([&s, wrong] { EXPECT_FALSE(endpoint(s, 1).attach(wrong).is_ok()); });
  s.run_until(s.now_ns() + ms(600));
  ASSERT_FALSE(s.result().violation) << s.result().violation->message;
}

// DGC: a reference held by a live client is renewed and survives many lease periods; once the
// last proxy is dropped (explicit release) the servant is collected.
TEST(Rmi, HeldReferenceSurvivesAndReleasedOneIsCollected) {
  auto h = std::make_shared<Holdings>();
  NodeSetup setup = [h](NodeId id, Endpoint& ep) {
    serve_counter()(id, ep);
    if (id == 1)
      ep.after(std::chrono::milliseconds(50), [&ep, h] { spawn(open_and_hold(ep, h, 3)); });
  };
  sim::Simulator s(sim_options("none", 2), cluster(setup, short_lease()), rpc_checkers());
  s.start();
  s.run_until(ms(6000));  // six lease periods
  ASSERT_EQ(h->tallies.size(), 3U);
  EXPECT_EQ(endpoint(s, 2).collectable_objects(), 3U);
  EXPECT_EQ(endpoint(s, 1).held_leases(), 3U);
  endpoint(s, 1).post([h] { h->tallies.clear(); });  // drop every proxy: clean calls go out
  s.run_until(ms(9000));
  EXPECT_EQ(endpoint(s, 1).held_leases(), 0U);
  EXPECT_EQ(endpoint(s, 2).collectable_objects(), 0U);
  EXPECT_EQ(endpoint(s, 2).stats().collected, 3U);
  ASSERT_FALSE(s.result().violation) << s.result().violation->message;
}

// DGC: a client that crashes while holding references leaks nothing once its leases expire.
TEST(Rmi, CrashedClientLeaksNothing) {
  auto h = std::make_shared<Holdings>();
  NodeSetup setup = [h](NodeId id, Endpoint& ep) {
    serve_counter()(id, ep);
    if (id == 1)
      ep.after(std::chrono::milliseconds(50), [&ep, h] { spawn(open_and_hold(ep, h, 10)); });
  };
  sim::Simulator s(sim_options("@2s crash 1", 2), cluster(setup, short_lease()), rpc_checkers());
  s.start();
  s.run_until(ms(1900));
  EXPECT_EQ(endpoint(s, 2).collectable_objects(), 10U);
  s.run_until(ms(5000));  // crash at 2 s + lease 1 s + a sweep
  EXPECT_EQ(endpoint(s, 2).collectable_objects(), 0U);
  EXPECT_EQ(endpoint(s, 2).stats().collected, 10U);
  ASSERT_FALSE(s.result().violation) << s.result().violation->message;
}

// A call on a collected object is NOT_FOUND (never executed on something else).
TEST(Rmi, CallOnCollectedObjectIsNotFound) {
  sim::Simulator s(sim_options("none", 2), cluster(serve_counter(), short_lease()), rpc_checkers());
  s.start();
  auto opened = sim_call(s, 1, [](Endpoint& ep) {
    return ep.proxy<Counter>(2, kCounterId).call<Counter::kOpen>(Empty{});
  });
  ASSERT_TRUE(opened.is_ok());
  s.run_until(s.now_ns() + ms(3000));  // never attached: collected after the export grace
  EXPECT_EQ(endpoint(s, 2).collectable_objects(), 0U);
  auto r = sim_call(s, 1, [ref = opened->tally](Endpoint& ep) {
    return ep.attach(ref).value().call<Tally::kBump>(Empty{});
  });
  EXPECT_EQ(r.status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace synod::rpc
