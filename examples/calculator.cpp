#include "examples/calculator.hpp"

namespace synod::examples {

rpc::Task<Result<Number>> CalculatorServant::slow_add(rpc::ServerCall& call, SlowRequest req) {
  // Sleep in slices so that a cancel (or the deadline) ends the call early.
  constexpr std::uint32_t kSliceMs = 50;
  for (std::uint32_t waited = 0; waited < req.delay_ms; waited += kSliceMs) {
    if (call.cancelled()) co_return Status(Code::kCancelled, "slow_add cancelled");
    if (!co_await call.endpoint().sleep(std::chrono::milliseconds(kSliceMs))) {
      co_return Status(Code::kCancelled, "server shutting down");
    }
  }
  co_return Number{req.a + req.b};
}

rpc::Task<Result<Number>> add_then_divide(rpc::Proxy<Calculator> calc, std::int64_t a,
                                          std::int64_t b, std::int64_t c) {
  auto sum = co_await calc.call<Calculator::kAdd>(BinaryRequest{a, b});
  if (!sum) co_return sum.status();
  auto quotient = co_await calc.call<Calculator::kDivide>(BinaryRequest{sum->value, c});
  if (!quotient) co_return quotient.status();
  co_return co_await calc.call<Calculator::kAccumulate>(*quotient);
}

}  // namespace synod::examples
