#include "examples/calculator.hpp"

namespace synod::examples {

rpc::Task<Result<Number>> add_then_divide(rpc::Proxy<Calculator> calc, std::int64_t a,
                                          std::int64_t b, std::int64_t c) {
  auto sum = co_await calc.call<Calculator::kAdd>(BinaryRequest{a, b});
  if (!sum) co_return sum.status();
  auto quotient = co_await calc.call<Calculator::kDivide>(BinaryRequest{sum->value, c});
  if (!quotient) co_return quotient.status();
  co_return co_await calc.call<Calculator::kAccumulate>(*quotient);
}

}  // namespace synod::examples
