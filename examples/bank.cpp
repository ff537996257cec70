#include "examples/bank.hpp"

namespace synod::examples {

Result<Amount> AccountServant::deposit(rpc::ServerCall&, const Amount& req) {
  if (req.cents <= 0) return invalid_argument("deposit must be positive");
  cents_ += req.cents;
  return Amount{cents_};
}

Result<Amount> AccountServant::withdraw(rpc::ServerCall&, const Amount& req) {
  if (req.cents <= 0) return invalid_argument("withdrawal must be positive");
  if (req.cents > cents_) {
    return rpc::remote_exception(
        Code::kFailedPrecondition, "InsufficientFunds",
        "balance " + std::to_string(cents_) + " < " + std::to_string(req.cents));
  }
  cents_ -= req.cents;
  return Amount{cents_};
}

Result<AccountRef> BankServant::open(rpc::ServerCall& call, const OpenRequest& req) {
  auto account = std::make_shared<AccountServant>();
  if (!req.owner.empty()) {
    if (accounts_.contains(req.owner)) {
      return Status(Code::kAlreadyExists, "account '" + req.owner + "' exists");
    }
    if (accounts_.size() >= kMaxAccounts) return resource_exhausted("too many accounts");
  }
  auto ref = call.endpoint().export_object<Account>(account);
  if (!ref) return ref.status();
  if (!req.owner.empty()) accounts_.emplace(req.owner, std::move(account));
  return AccountRef{*ref};
}

Result<AccountRef> BankServant::lookup(rpc::ServerCall& call, const OpenRequest& req) {
  auto it = accounts_.find(req.owner);
  if (it == accounts_.end()) return not_found("no account '" + req.owner + "'");
  // Every lookup exports a new reference to the same servant: each is leased on its own.
  auto ref = call.endpoint().export_object<Account>(it->second);
  if (!ref) return ref.status();
  return AccountRef{*ref};
}

rpc::Task<Result<Amount>> BankServant::transfer(rpc::ServerCall& call, TransferRequest req) {
  auto from = call.endpoint().attach(req.from);  // references arrive as data, become proxies here
  auto to = call.endpoint().attach(req.to);
  if (!from) co_return from.status();
  if (!to) co_return to.status();
  auto left = co_await from->call<Account::kWithdraw>(Amount{req.cents}, call.nested());
  if (!left) co_return left.status();
  auto in = co_await to->call<Account::kDeposit>(Amount{req.cents}, call.nested());
  if (!in) co_return in.status();  // a real bank would compensate here; the example reports
  co_return *left;
}

}  // namespace synod::examples
