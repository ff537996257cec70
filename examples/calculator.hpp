// Example: a calculator service over RPC. The interface is declared once; Proxy<Calculator> and
// Skeleton<Calculator> are generated from kMethods at compile time.
#pragma once

#include <cstdint>
#include <tuple>

#include "synod/rpc/rpc.hpp"

namespace synod::examples {

struct BinaryRequest {
  std::int64_t a = 0;
  std::int64_t b = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1, wire::zigzag>(&BinaryRequest::a),
                                                  wire::field<2, wire::zigzag>(&BinaryRequest::b));
};

struct Number {
  std::int64_t value = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1, wire::zigzag>(&Number::value));
};

struct SlowRequest {
  std::int64_t a = 0;
  std::int64_t b = 0;
  std::uint32_t delay_ms = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1, wire::zigzag>(&SlowRequest::a),
                                                  wire::field<2, wire::zigzag>(&SlowRequest::b),
                                                  wire::field<3>(&SlowRequest::delay_ms));
};

class Calculator {
 public:
  virtual ~Calculator() = default;
  virtual Result<Number> add(rpc::ServerCall& call, const BinaryRequest& req) = 0;
  virtual Result<Number> divide(rpc::ServerCall& call, const BinaryRequest& req) = 0;
  // Accumulates into a per-server memory: not idempotent, so never retried.
  virtual Result<Number> accumulate(rpc::ServerCall& call, const Number& req) = 0;
  // a + b after delay_ms (a call in flight for a while: crash and deadline tests). Stops early,
  // with CANCELLED, when the call is cancelled.
  virtual rpc::Task<Result<Number>> slow_add(rpc::ServerCall& call, SlowRequest req) = 0;

  static constexpr std::string_view kInterfaceName = "examples.Calculator";
  static constexpr auto kAdd = rpc::method(1, "add", &Calculator::add, rpc::kIdempotent);
  static constexpr auto kDivide = rpc::method(2, "divide", &Calculator::divide, rpc::kIdempotent);
  static constexpr auto kAccumulate = rpc::method(3, "accumulate", &Calculator::accumulate);
  static constexpr auto kSlowAdd = rpc::method(4, "slow_add", &Calculator::slow_add);
  static constexpr auto kMethods = std::make_tuple(kAdd, kDivide, kAccumulate, kSlowAdd);
};

inline constexpr std::uint64_t kCalculatorId = rpc::kFirstAppWellKnown;

class CalculatorServant final : public Calculator {
 public:
  Result<Number> add(rpc::ServerCall&, const BinaryRequest& req) override {
    return Number{req.a + req.b};
  }
  Result<Number> divide(rpc::ServerCall&, const BinaryRequest& req) override {
    if (req.b == 0) return rpc::remote_exception(Code::kInvalidArgument, "DivideByZero", "b is 0");
    return Number{req.a / req.b};
  }
  Result<Number> accumulate(rpc::ServerCall&, const Number& req) override {
    memory_ += req.value;
    return Number{memory_};
  }
  rpc::Task<Result<Number>> slow_add(rpc::ServerCall& call, SlowRequest req) override;

 private:
  std::int64_t memory_ = 0;
};

// A client written as a coroutine: (a + b) / c, then accumulate the result.
rpc::Task<Result<Number>> add_then_divide(rpc::Proxy<Calculator> calc, std::int64_t a,
                                          std::int64_t b, std::int64_t c);

}  // namespace synod::examples
