// The calculator example, run in the simulator (over a lossy network, to show retries of the
// idempotent methods doing their job).
#include <gtest/gtest.h>

#include "examples/calculator.hpp"
#include "examples/serve.hpp"
#include "synod/rpc/rpc_test_util.hpp"
#include "synod/sim/swarm_test_util.hpp"

namespace synod::examples {
namespace {

using namespace rpc::test_util;  // NOLINT(google-build-using-namespace)

NodeSetup calculator_on_2() {
  return [](NodeId id, rpc::Endpoint& ep) {
    if (id == 2) {
      ASSERT_TRUE(
          ep.serve<Calculator>(kCalculatorId, std::make_shared<CalculatorServant>()).is_ok());
    }
  };
}

TEST(CalculatorExample, CoroutineClientComputes) {
  sim::Simulator s(sim_options("loss=0.1", 2, 3), cluster(calculator_on_2()), rpc::rpc_checkers());
  s.start();
  auto r = rpc::sim_call(s, 1, [](rpc::Endpoint& ep) {
    auto calc = ep.proxy<Calculator>(2, kCalculatorId);
    return calc.call<Calculator::kAdd>(BinaryRequest{40, 2});
  });
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->value, 42);

  auto out = std::make_shared<std::optional<Result<Number>>>();
  endpoint(s, 1).post([&s, out] {
    rpc::spawn([](rpc::Proxy<Calculator> calc,
                  std::shared_ptr<std::optional<Result<Number>>> o) -> rpc::Task<void> {
      o->emplace(co_await add_then_divide(calc, 10, 20, 3));
    }(endpoint(s, 1).proxy<Calculator>(2, kCalculatorId), out));
  });
  while (!out->has_value()) s.run_until(s.now_ns() + ms(10));
  ASSERT_TRUE(out->value().is_ok()) << out->value().status().to_string();
  EXPECT_EQ(out->value()->value, 10);  // memory: (10 + 20) / 3
  ASSERT_FALSE(s.result().violation) << s.result().violation->message;
}

// Remote exceptions come back typed: the status code plus the exception name.
TEST(CalculatorExample, DivideByZeroIsARemoteException) {
  sim::Simulator s(sim_options("none", 2), cluster(calculator_on_2()), rpc::rpc_checkers());
  s.start();
  auto r = rpc::sim_call(s, 1, [](rpc::Endpoint& ep) {
    return ep.proxy<Calculator>(2, kCalculatorId).call<Calculator::kDivide>(BinaryRequest{1, 0});
  });
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(rpc::exception_type(r.status()), "DivideByZero");
}

// Acceptance: the calculator example under simulated client load (call_every) over 1,000 swarm
// seeds; every rpc checker (R1-R9) stays silent.
TEST(CalculatorSwarm, ThousandSeedsNoViolations) {
  const Catalog entries = catalog();
  const CatalogEntry& entry = entries[0];
  ASSERT_EQ(entry.spec.name, "calculator");
  (void)sim::expect_swarm_clean(entry, {{"call_every", "40ms"}, {"lease", "1s"}},
                                {.duration = std::chrono::seconds(8)});
}

}  // namespace
}  // namespace synod::examples
