// The bank example in the simulator: accounts handed out by remote reference, references passed
// back as arguments of transfer(), overdrafts as remote exceptions, and DGC freeing the accounts
// once the client drops its proxies.
#include <gtest/gtest.h>

#include "examples/bank.hpp"
#include "examples/serve.hpp"
#include "synod/rpc/rpc_test_util.hpp"
#include "synod/sim/swarm_test_util.hpp"

namespace synod::examples {
namespace {

using namespace rpc::test_util;  // NOLINT(google-build-using-namespace)

struct Wallet {
  std::vector<rpc::Proxy<Account>> accounts;
  std::vector<Status> results;
  std::int64_t balance_a = -1;
  std::int64_t balance_b = -1;
};

rpc::Task<void> customer(rpc::Endpoint& ep, std::shared_ptr<Wallet> w) {
  auto bank = ep.proxy<Bank>(1, kBankId);
  // Named requests, no temporaries inside co_await: GCC 12 mis-destroys some of those.
  for (int i = 0; i < 2; ++i) {
    const OpenRequest req{i == 0 ? "alice" : "bob"};
    auto ref = co_await bank.call<Bank::kOpen>(req);
    if (!ref) co_return;
    w->accounts.push_back(ep.attach(ref->account).value());
  }
  auto& a = w->accounts[0];
  auto& b = w->accounts[1];
  const Amount hundred{100};
  auto deposited = co_await a.call<Account::kDeposit>(hundred);
  w->results.push_back(deposited.status());
  // References travel back as arguments; the bank attaches them and makes nested calls.
  const TransferRequest small{a.ref(), b.ref(), 30};
  auto t1 = co_await bank.call<Bank::kTransfer>(small);
  w->results.push_back(t1.status());
  const TransferRequest overdraft{a.ref(), b.ref(), 500};
  auto t2 = co_await bank.call<Bank::kTransfer>(overdraft);
  w->results.push_back(t2.status());
  const NoArgs none;
  auto ba = co_await a.call<Account::kBalance>(none);
  auto bb = co_await b.call<Account::kBalance>(none);
  w->balance_a = ba ? ba->cents : -1;
  w->balance_b = bb ? bb->cents : -1;
}

TEST(BankExample, AccountsByReferenceTransfersAndOverdraft) {
  auto w = std::make_shared<Wallet>();
  NodeSetup setup = [w](NodeId id, rpc::Endpoint& ep) {
    if (id == 1) {
      ASSERT_TRUE(ep.serve<Bank>(kBankId, std::make_shared<BankServant>()).is_ok());
    }
    if (id == 2) ep.after(std::chrono::milliseconds(50), [&ep, w] { rpc::spawn(customer(ep, w)); });
  };
  rpc::RpcLimits limits;
  limits.lease = std::chrono::seconds(1);
  sim::Simulator s(sim_options("latency=uniform:1ms..5ms", 2), cluster(setup, limits),
                   rpc::rpc_checkers());
  s.start();
  s.run_until(ms(2000));
  ASSERT_EQ(w->results.size(), 3U);
  EXPECT_TRUE(w->results[0].is_ok());
  EXPECT_TRUE(w->results[1].is_ok()) << w->results[1].to_string();
  EXPECT_EQ(w->results[2].code(), Code::kFailedPrecondition);
  EXPECT_EQ(rpc::exception_type(w->results[2]), "InsufficientFunds");
  EXPECT_EQ(w->balance_a, 70);
  EXPECT_EQ(w->balance_b, 30);
  EXPECT_EQ(endpoint(s, 1).collectable_objects(), 2U);
  // Dropping the client's proxies releases the accounts; the bank's own proxies died with the
  // transfer calls, so DGC frees both servants.
  endpoint(s, 2).post([w] { w->accounts.clear(); });
  s.run_until(ms(5000));
  EXPECT_EQ(endpoint(s, 1).collectable_objects(), 0U);
  ASSERT_FALSE(s.result().violation) << s.result().violation->message;
}

// Acceptance: the bank example under simulated client load (call_every) over 1,000 swarm seeds;
// every rpc checker (R1-R9) stays silent.
TEST(BankSwarm, ThousandSeedsNoViolations) {
  const Catalog entries = catalog();
  const CatalogEntry& entry = entries[1];
  ASSERT_EQ(entry.spec.name, "bank");
  (void)sim::expect_swarm_clean(entry, {{"call_every", "40ms"}, {"lease", "1s"}},
                                {.duration = std::chrono::seconds(8)});
}

}  // namespace
}  // namespace synod::examples
