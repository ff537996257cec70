// A simulated RPC workload for `synod sim rpc` and the swarm test: every node serves a Counter
// at a well-known id and calls random peers with a mix of non-idempotent, idempotent, async,
// nested (deadline-propagating) and RMI calls (open() returns a reference to a fresh Tally object
// that the caller attaches, uses and drops, leaving the rest to DGC; one in three is held for
// 1.5 leases first, so that leases are renewed and must keep it alive). The checkers in
// rpc_checker.hpp judge every run.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <tuple>

#include "synod/node/registry.hpp"
#include "synod/rpc/rpc.hpp"

namespace synod::rpc::workload {

struct Value {
  std::int64_t value = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1, wire::zigzag>(&Value::value));
};

struct AddRequest {
  std::int64_t delta = 0;
  std::uint32_t delay_ms = 0;  // async add: wait this long first (a call in flight for a while)
  static constexpr auto kFields = std::make_tuple(wire::field<1, wire::zigzag>(&AddRequest::delta),
                                                  wire::field<2>(&AddRequest::delay_ms));
};

struct RelayRequest {
  std::uint32_t target = 0;  // node whose counter receives the nested add
  std::int64_t delta = 0;
  std::uint32_t delay_ms = 0;  // wait this long before the nested call
  static constexpr auto kFields = std::make_tuple(
      wire::field<1>(&RelayRequest::target), wire::field<2, wire::zigzag>(&RelayRequest::delta),
      wire::field<3>(&RelayRequest::delay_ms));
};

struct Empty {
  static constexpr auto kFields = std::make_tuple();
};

class Tally {
 public:
  virtual ~Tally() = default;
  virtual Result<Value> bump(ServerCall& call, const Empty& req) = 0;

  static constexpr std::string_view kInterfaceName = "synod.workload.Tally";
  static constexpr auto kBump = method(1, "bump", &Tally::bump);
  static constexpr auto kMethods = std::make_tuple(kBump);
};

struct OpenReply {
  Ref<Tally> tally;
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&OpenReply::tally));
};

class Counter {
 public:
  virtual ~Counter() = default;
  virtual Result<Value> add(ServerCall& call, const AddRequest& req) = 0;
  virtual Result<Value> get(ServerCall& call, const Empty& req) = 0;
  virtual Task<Result<Value>> slow_add(ServerCall& call, AddRequest req) = 0;
  virtual Task<Result<Value>> relay(ServerCall& call, RelayRequest req) = 0;
  virtual Result<OpenReply> open(ServerCall& call, const Empty& req) = 0;

  static constexpr std::string_view kInterfaceName = "synod.workload.Counter";
  static constexpr auto kAdd = method(1, "add", &Counter::add);
  static constexpr auto kGet = method(2, "get", &Counter::get, kIdempotent);
  static constexpr auto kSlowAdd = method(3, "slow_add", &Counter::slow_add);
  static constexpr auto kRelay = method(4, "relay", &Counter::relay);
  static constexpr auto kOpen = method(5, "open", &Counter::open);
  static constexpr auto kMethods = std::make_tuple(kAdd, kGet, kSlowAdd, kRelay, kOpen);
};

inline constexpr std::uint64_t kCounterId = kFirstAppWellKnown;

// The servant: a counter per server life, plus Tally objects handed out by reference.
class CounterServant final : public Counter {
 public:
  Result<Value> add(ServerCall& call, const AddRequest& req) override;
  Result<Value> get(ServerCall& call, const Empty& req) override;
  Task<Result<Value>> slow_add(ServerCall& call, AddRequest req) override;
  Task<Result<Value>> relay(ServerCall& call, RelayRequest req) override;
  Result<OpenReply> open(ServerCall& call, const Empty& req) override;
  std::int64_t value() const { return value_; }
  std::uint64_t cancelled_seen() const { return cancelled_seen_; }

 private:
  std::int64_t value_ = 0;
  std::uint64_t cancelled_seen_ = 0;
};

struct WorkloadOptions {
  Duration interval = std::chrono::milliseconds(40);
  Duration deadline = std::chrono::seconds(1);
  Duration lease = std::chrono::seconds(2);
  Mutant mutant;  // simulated runs only (endpoint.hpp, rules P1..P7)
};

Result<WorkloadOptions> parse_workload_options(const ProtocolOptions& opts);

// One endpoint running the workload (servant + caller).
std::unique_ptr<Endpoint> make_workload_endpoint(const WorkloadOptions& o);

ProtocolSpec workload_spec();

}  // namespace synod::rpc::workload
