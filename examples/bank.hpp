// Example: a bank whose accounts are remote objects. open() hands out a reference to a fresh
// Account servant (RMI: unguessable id, lease-based lifetime); transfer() takes two account
// references as arguments, so references travel both ways. Overdrafts are remote exceptions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "synod/rpc/rpc.hpp"

namespace synod::examples {

struct Amount {
  std::int64_t cents = 0;
  static constexpr auto kFields = std::make_tuple(wire::field<1, wire::zigzag>(&Amount::cents));
};

struct NoArgs {
  static constexpr auto kFields = std::make_tuple();
};

class Account {
 public:
  virtual ~Account() = default;
  virtual Result<Amount> deposit(rpc::ServerCall& call, const Amount& req) = 0;
  virtual Result<Amount> withdraw(rpc::ServerCall& call, const Amount& req) = 0;
  virtual Result<Amount> balance(rpc::ServerCall& call, const NoArgs& req) = 0;

  static constexpr std::string_view kInterfaceName = "examples.Account";
  static constexpr auto kDeposit = rpc::method(1, "deposit", &Account::deposit);
  static constexpr auto kWithdraw = rpc::method(2, "withdraw", &Account::withdraw);
  static constexpr auto kBalance = rpc::method(3, "balance", &Account::balance, rpc::kIdempotent);
  static constexpr auto kMethods = std::make_tuple(kDeposit, kWithdraw, kBalance);
};

struct OpenRequest {
  std::string owner;
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&OpenRequest::owner));
};

struct AccountRef {
  rpc::Ref<Account> account;
  static constexpr auto kFields = std::make_tuple(wire::field<1>(&AccountRef::account));
};

struct TransferRequest {
  rpc::Ref<Account> from;
  rpc::Ref<Account> to;
  std::int64_t cents = 0;
  static constexpr auto kFields =
      std::make_tuple(wire::field<1>(&TransferRequest::from), wire::field<2>(&TransferRequest::to),
                      wire::field<3, wire::zigzag>(&TransferRequest::cents));
};

// open(owner) creates an account and returns a reference to it. A named account is kept by the
// bank (its state outlives the references); lookup(owner) hands out a fresh reference to it. An
// account opened with an empty owner is anonymous: the bank keeps no pointer, so once every
// reference is released (or its lease expires) the servant itself is destroyed.
class Bank {
 public:
  virtual ~Bank() = default;
  virtual Result<AccountRef> open(rpc::ServerCall& call, const OpenRequest& req) = 0;
  virtual rpc::Task<Result<Amount>> transfer(rpc::ServerCall& call, TransferRequest req) = 0;
  virtual Result<AccountRef> lookup(rpc::ServerCall& call, const OpenRequest& req) = 0;

  static constexpr std::string_view kInterfaceName = "examples.Bank";
  static constexpr auto kOpen = rpc::method(1, "open", &Bank::open);
  static constexpr auto kTransfer = rpc::method(2, "transfer", &Bank::transfer);
  static constexpr auto kLookup = rpc::method(3, "lookup", &Bank::lookup, rpc::kIdempotent);
  static constexpr auto kMethods = std::make_tuple(kOpen, kTransfer, kLookup);
};

inline constexpr std::uint64_t kBankId = rpc::kFirstAppWellKnown + 1;

class AccountServant final : public Account {
 public:
  Result<Amount> deposit(rpc::ServerCall&, const Amount& req) override;
  Result<Amount> withdraw(rpc::ServerCall&, const Amount& req) override;
  Result<Amount> balance(rpc::ServerCall&, const NoArgs&) override { return Amount{cents_}; }

 private:
  std::int64_t cents_ = 0;
};

// The bank's transfer attaches the two references it was given and moves money with nested calls
// (withdraw then deposit) under the caller's deadline. Accounts may live on other nodes.
class BankServant final : public Bank {
 public:
  // Named accounts kept at most (open of another name: RESOURCE_EXHAUSTED).
  static constexpr std::size_t kMaxAccounts = 10000;

  Result<AccountRef> open(rpc::ServerCall& call, const OpenRequest& req) override;
  rpc::Task<Result<Amount>> transfer(rpc::ServerCall& call, TransferRequest req) override;
  Result<AccountRef> lookup(rpc::ServerCall& call, const OpenRequest& req) override;
  std::size_t named_accounts() const { return accounts_.size(); }

 private:
  std::map<std::string, std::shared_ptr<AccountServant>> accounts_;
};

}  // namespace synod::examples
