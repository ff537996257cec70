#include "examples/sim_clients.hpp"

#include <string>

#include "examples/bank.hpp"
#include "examples/calculator.hpp"

namespace synod::examples {
namespace {

// Calls a random peer every `every` (jittered by half); subclasses say what one call is.
class Caller : public rpc::App {
 public:
  Caller(Duration every, Duration deadline) : every_(every) { opts_.deadline = deadline; }

  void on_start(rpc::Endpoint& ep) override {
    ep_ = &ep;
    schedule();
  }

 protected:
  virtual void call(NodeId peer) = 0;
  rpc::Endpoint& ep() { return *ep_; }
  const rpc::CallOptions& opts() const { return opts_; }

 private:
  void schedule() {
    const auto spread = every_.count() / 2;
    ep_->after(every_ + Duration(ep_->rng().between(-spread, spread)), [this] {
      schedule();
      const auto peers = ep_->context().peers();
      if (!peers.empty()) call(peers[ep_->rng().below(peers.size())]);
    });
  }

  Duration every_;
  rpc::CallOptions opts_;
  rpc::Endpoint* ep_ = nullptr;
};

class CalculatorCaller final : public Caller {
 public:
  using Caller::Caller;

 private:
  void call(NodeId peer) override {
    auto calc = ep().proxy<Calculator>(peer, kCalculatorId);
    auto ignore = [](const Result<Number>&) {};
    const auto a = ep().rng().between(-50, 50);
    const auto b = ep().rng().between(-3, 3);
    switch (ep().rng().below(5)) {
      case 0: calc.call<Calculator::kAdd>(BinaryRequest{a, b}, ignore, opts()); break;
      case 1: calc.call<Calculator::kDivide>(BinaryRequest{a, b}, ignore, opts()); break;
      case 2: calc.call<Calculator::kAccumulate>(Number{a}, ignore, opts()); break;
      case 3: {
        const auto delay = static_cast<std::uint32_t>(ep().rng().between(0, 300));
        const rpc::CallId id =
            calc.call<Calculator::kSlowAdd>(SlowRequest{a, b, delay}, ignore, opts());
        if (ep().rng().chance(0.2)) {
          ep().after(std::chrono::milliseconds(50), [this, id] { ep().cancel(id); });
        }
        break;
      }
      default: rpc::spawn(quotient(calc, a, b == 0 ? 1 : b)); break;
    }
  }

  static rpc::Task<void> quotient(rpc::Proxy<Calculator> calc, std::int64_t a, std::int64_t b) {
    auto r = co_await add_then_divide(calc, a, b, b);
    (void)r;
  }
};

class BankCaller final : public Caller {
 public:
  BankCaller(Duration every, Duration deadline, Duration lease)
      : Caller(every, deadline), lease_(lease) {}

 private:
  void call(NodeId peer) override {
    auto bank = ep().proxy<Bank>(peer, kBankId);
    switch (ep().rng().below(3)) {
      case 0: {
        const Duration hold = ep().rng().below(3) == 0 ? lease_ * 3 / 2 : Duration(0);
        rpc::spawn(use_account(ep(), bank, opts(), hold));
        break;
      }
      case 1: {
        // The accounts live at `peer`, the transfer runs at another bank: its nested calls go
        // over the network, so the transfer is running for a few round trips.
        const auto peers = ep().context().peers();
        const NodeId via = peers[ep().rng().below(peers.size())];
        rpc::spawn(transfer(ep(), bank, ep().proxy<Bank>(via, kBankId), opts()));
        break;
      }
      default: {
        const std::string owner =
            "n" + std::to_string(ep().self()) + "-" + std::to_string(++named_);
        rpc::spawn(named(ep(), bank, opts(), owner));
        break;
      }
    }
  }

  // Open an anonymous account, deposit, hold the reference for `hold`, read the balance, drop it.
  static rpc::Task<void> use_account(rpc::Endpoint& ep, rpc::Proxy<Bank> bank,
                                     rpc::CallOptions opts, Duration hold) {
    const OpenRequest anonymous{};
    auto opened = co_await bank.call<Bank::kOpen>(anonymous, opts);
    if (!opened) co_return;
    auto account = ep.attach(opened->account);
    if (!account) co_return;
    const Amount cents{100};
    auto in = co_await account->call<Account::kDeposit>(cents, opts);
    if (!in) co_return;
    if (hold > Duration(0) && !co_await ep.sleep(hold)) co_return;
    const NoArgs none;
    auto balance = co_await account->call<Account::kBalance>(none, opts);
    (void)balance;
  }

  // Two fresh accounts at `bank`; the bank `via` gets both references as arguments and moves
  // money between them (cancelled midway one time in three).
  static rpc::Task<void> transfer(rpc::Endpoint& ep, rpc::Proxy<Bank> bank, rpc::Proxy<Bank> via,
                                  rpc::CallOptions opts) {
    const OpenRequest anonymous{};
    auto a = co_await bank.call<Bank::kOpen>(anonymous, opts);
    if (!a) co_return;
    auto from = ep.attach(a->account);
    auto b = co_await bank.call<Bank::kOpen>(anonymous, opts);
    if (!b || !from) co_return;
    auto to = ep.attach(b->account);
    if (!to) co_return;
    const Amount cents{50};
    auto in = co_await from->call<Account::kDeposit>(cents, opts);
    if (!in) co_return;
    const TransferRequest req{from->ref(), to->ref(), 30};
    auto pending = via.call<Bank::kTransfer>(req, opts);
    if (ep.rng().below(3) == 0) {
      // One transfer in three is cancelled while the bank runs its nested calls.
      const Duration after = std::chrono::milliseconds(ep.rng().between(1, 30));
      ep.after(after, [&ep, id = pending.id()] { ep.cancel(id); });
    }
    auto moved = co_await pending;
    (void)moved;
  }

  static rpc::Task<void> named(rpc::Endpoint& ep, rpc::Proxy<Bank> bank, rpc::CallOptions opts,
                               std::string owner) {
    const OpenRequest req{owner};
    auto opened = co_await bank.call<Bank::kOpen>(req, opts);
    if (!opened) co_return;
    auto found = co_await bank.call<Bank::kLookup>(req, opts);
    if (!found) co_return;
    auto account = ep.attach(found->account);
    if (!account) co_return;
    const NoArgs none;
    auto balance = co_await account->call<Account::kBalance>(none, opts);
    (void)balance;
  }

  Duration lease_;
  std::uint64_t named_ = 0;
};

}  // namespace

std::unique_ptr<rpc::App> calculator_caller(Duration every, Duration deadline) {
  return std::make_unique<CalculatorCaller>(every, deadline);
}

std::unique_ptr<rpc::App> bank_caller(Duration every, Duration deadline, Duration lease) {
  return std::make_unique<BankCaller>(every, deadline, lease);
}

}  // namespace synod::examples
