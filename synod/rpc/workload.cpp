#include "synod/rpc/workload.hpp"

#include <algorithm>
#include <vector>

#include "synod/rpc/lambda_app.hpp"
#include "synod/rpc/rpc_checker.hpp"

namespace synod::rpc {
namespace workload {
namespace {

class TallyServant final : public Tally {
 public:
  Result<Value> bump(ServerCall&, const Empty&) override { return Value{++count_}; }

 private:
  std::int64_t count_ = 0;
};

// The calling side: one call every `interval` (jittered) to a random peer.
class Caller final : public App {
 public:
  explicit Caller(WorkloadOptions o) : o_(o) {}

  void on_start(Endpoint& ep) override {
    ep_ = &ep;
    const Status st = ep.serve<Counter>(kCounterId, std::make_shared<CounterServant>());
    SYNOD_ASSERT(st.is_ok());
    schedule();
  }

 private:
  void schedule() {
    const auto spread = o_.interval.count() / 2;
    ep_->after(o_.interval + Duration(ep_->rng().between(-spread, spread)), [this] { tick(); });
  }

  void tick() {
    schedule();
    const auto peers = ep_->context().peers();
    if (peers.empty()) return;
    const NodeId to = peers[ep_->rng().below(peers.size())];
    Proxy<Counter> counter = ep_->proxy<Counter>(to, kCounterId);
    CallOptions opts;
    opts.deadline = o_.deadline;
    auto ignore = [](const Result<Value>&) {};
    switch (ep_->rng().below(6)) {
      case 0: counter.call<Counter::kAdd>(AddRequest{1, 0}, ignore, opts); break;
      case 1: counter.call<Counter::kGet>(Empty{}, ignore, opts); break;
      case 2: {
        const auto delay = static_cast<std::uint32_t>(ep_->rng().between(0, 300));
        const CallId id = counter.call<Counter::kSlowAdd>(AddRequest{2, delay}, ignore, opts);
        if (ep_->rng().chance(0.2))
          ep_->after(std::chrono::milliseconds(50), [this, id] { ep_->cancel(id); });
        break;
      }
      case 3: {
        const NodeId via = peers[ep_->rng().below(peers.size())];
        counter.call<Counter::kRelay>(RelayRequest{via == to ? ep_->self() : via, 3, 0}, ignore,
                                      opts);
        break;
      }
      default: {
        const Duration hold = ep_->rng().below(3) == 0 ? o_.lease * 3 / 2 : Duration(0);
        spawn(use_tally(*ep_, counter, opts, hold));
        break;
      }
    }
  }

  // RMI round: open a Tally, bump it, hold the reference for `hold` (its lease is renewed
  // meanwhile), bump it again, drop the proxy (explicit release).
  static Task<void> use_tally(Endpoint& ep, Proxy<Counter> counter, CallOptions opts,
                              Duration hold) {
    auto opened = co_await counter.call<Counter::kOpen>(Empty{}, opts);
    if (!opened) co_return;
    auto tally = ep.attach(opened->tally);
    if (!tally) co_return;
    auto first = co_await tally->call<Tally::kBump>(Empty{}, opts);
    if (!first) co_return;
    if (hold > Duration(0) && !co_await ep.sleep(hold)) co_return;
    auto second = co_await tally->call<Tally::kBump>(Empty{}, opts);
    (void)second;
  }

  WorkloadOptions o_;
  Endpoint* ep_ = nullptr;
};

}  // namespace

Result<Value> CounterServant::add(ServerCall&, const AddRequest& req) {
  value_ += req.delta;
  return Value{value_};
}

Result<Value> CounterServant::get(ServerCall&, const Empty&) { return Value{value_}; }

Task<Result<Value>> CounterServant::slow_add(ServerCall& call, AddRequest req) {
  if (req.delay_ms > 0) co_await call.endpoint().sleep(std::chrono::milliseconds(req.delay_ms));
  if (call.cancelled()) {
    ++cancelled_seen_;  // cancellation reached the servant: it stops without side effects
    co_return Status(Code::kCancelled, "cancelled before the add");
  }
  value_ += req.delta;
  co_return Value{value_};
}

Task<Result<Value>> CounterServant::relay(ServerCall& call, RelayRequest req) {
  if (req.target == call.endpoint().self()) co_return invalid_argument("relay to self");
  if (req.delay_ms > 0) co_await call.endpoint().sleep(std::chrono::milliseconds(req.delay_ms));
  Proxy<Counter> next = call.endpoint().proxy<Counter>(req.target, kCounterId);
  // nested(): the inner call gets what is left of this call's deadline and dies with it.
  auto r = co_await next.call<Counter::kAdd>(AddRequest{req.delta, 0}, call.nested());
  co_return r;
}

Result<OpenReply> CounterServant::open(ServerCall& call, const Empty&) {
  auto ref = call.endpoint().export_object<Tally>(std::make_shared<TallyServant>());
  if (!ref) return ref.status();
  return OpenReply{*ref};
}

Result<WorkloadOptions> parse_workload_options(const ProtocolOptions& opts) {
  for (const auto& [key, value] : opts) {
    if (key != "interval" && key != "deadline" && key != "lease" && key != kMutantOption) {
      return invalid_argument("rpc: unknown option '" + key +
                              "' (interval, deadline, lease, mutant)");
    }
  }
  WorkloadOptions o;
  auto mutant = Endpoint::parse_mutant_option(opts);
  if (!mutant) return mutant.status();
  auto interval = option_duration(opts, "interval", o.interval);
  if (!interval) return interval.status();
  auto deadline = option_duration(opts, "deadline", o.deadline);
  if (!deadline) return deadline.status();
  auto lease = option_duration(opts, "lease", o.lease);
  if (!lease) return lease.status();
  if (*interval <= Duration::zero() || *deadline <= Duration::zero() ||
      *lease < std::chrono::milliseconds(30)) {
    return invalid_argument("rpc: interval and deadline must be positive, lease at least 30ms");
  }
  return WorkloadOptions{*interval, *deadline, *lease, std::move(*mutant)};
}

std::unique_ptr<Endpoint> make_workload_endpoint(const WorkloadOptions& o) {
  RpcLimits limits;
  limits.lease = o.lease;
  std::vector<std::unique_ptr<App>> apps;
  apps.push_back(std::make_unique<Caller>(o));
  return std::make_unique<Endpoint>(limits, std::move(apps), o.mutant);
}

ProtocolSpec workload_spec() {
  return {"rpc", "RPC/RMI workload: counters, async and nested calls, remote Tally objects",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            auto o = parse_workload_options(opts);
            if (!o) return o.status();
            return std::unique_ptr<Protocol>(make_workload_endpoint(*o));
          }};
}

}  // namespace workload

Catalog catalog() {
  auto checkers = [](const ProtocolOptions& opts) {
    const auto o = workload::parse_workload_options(opts);
    const workload::WorkloadOptions w = o ? *o : workload::WorkloadOptions{};
    return rpc_checkers(longest_deadline(w.deadline, w.lease));
  };
  return {{.spec = workload::workload_spec(),
           .checkers = checkers,
           .protocols = {kRpcProtocol},
           .options = {{"interval", "40ms", "time between a node's calls (jittered by half)"},
                       {"deadline", "1s", "deadline of every workload call"},
                       {"lease", "2s", "RMI lease (at least 30ms)"},
                       {"mutant", "", "P1..P7: break one rule of endpoint.hpp (simulation only)"}},
           .mutants = endpoint_mutants(/*rmi=*/true)}};
}

}  // namespace synod::rpc
