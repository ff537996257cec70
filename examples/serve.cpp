#include "examples/serve.hpp"

#include "examples/bank.hpp"
#include "examples/calculator.hpp"
#include "examples/sim_clients.hpp"
#include "synod/rpc/lambda_app.hpp"
#include "synod/rpc/rpc_checker.hpp"

namespace synod::examples {

Result<ExampleOptions> parse_example_options(const ProtocolOptions& opts, std::string_view name) {
  const std::string who(name);
  for (const auto& [key, value] : opts) {
    if (key != "lease" && key != "dedup_ttl" && key != "call_every" && key != kMutantOption) {
      return invalid_argument(who + ": unknown option '" + key +
                              "' (lease, dedup_ttl, call_every, mutant)");
    }
  }
  ExampleOptions o;
  auto lease = option_duration(opts, "lease", o.limits.lease);
  if (!lease) return lease.status();
  auto ttl = option_duration(opts, "dedup_ttl", o.limits.dedup_ttl);
  if (!ttl) return ttl.status();
  auto every = option_duration(opts, "call_every", o.call_every);
  if (!every) return every.status();
  if (*lease < std::chrono::milliseconds(30) || *ttl <= Duration::zero()) {
    return invalid_argument(who + ": lease must be at least 30ms and dedup_ttl positive");
  }
  if (*every < Duration::zero() ||
      (*every > Duration::zero() && *every < std::chrono::milliseconds(1))) {
    return invalid_argument(who + ": call_every must be 0 (off) or at least 1ms");
  }
  auto mutant = rpc::Endpoint::parse_mutant_option(opts);
  if (!mutant) return mutant.status();
  o.limits.lease = *lease;
  o.limits.dedup_ttl = *ttl;
  o.call_every = *every;
  o.mutant = std::move(*mutant);
  return o;
}

Result<rpc::RpcLimits> parse_example_limits(const ProtocolOptions& opts, std::string_view name) {
  auto o = parse_example_options(opts, name);
  if (!o) return o.status();
  return o->limits;
}

namespace {

// The example's servant (`serve`) plus, when call_every is set, its simulated client load.
template <typename Serve, typename Client>
ProtocolSpec example_spec(std::string name, std::string summary, Serve serve, Client client) {
  return {name, std::move(summary),
          [name, serve, client](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            auto o = parse_example_options(opts, name);
            if (!o) return o.status();
            std::vector<std::unique_ptr<rpc::App>> apps;
            apps.push_back(rpc::make_app(serve));
            if (o->call_every > Duration::zero()) apps.push_back(client(*o));
            return std::unique_ptr<Protocol>(
                std::make_unique<rpc::Endpoint>(o->limits, std::move(apps), o->mutant));
          }};
}

}  // namespace

ProtocolSpec calculator_spec() {
  return example_spec(
      "calculator", "RPC example: serves examples.Calculator at object 16",
      [](rpc::Endpoint& ep) {
        SYNOD_ASSERT(
            ep.serve<Calculator>(kCalculatorId, std::make_shared<CalculatorServant>()).is_ok());
      },
      [](const ExampleOptions& o) { return calculator_caller(o.call_every, o.call_deadline); });
}

ProtocolSpec bank_spec() {
  return example_spec(
      "bank", "RMI example: serves examples.Bank at object 17, accounts by reference",
      [](rpc::Endpoint& ep) {
        SYNOD_ASSERT(ep.serve<Bank>(kBankId, std::make_shared<BankServant>()).is_ok());
      },
      [](const ExampleOptions& o) {
        return bank_caller(o.call_every, o.call_deadline, o.limits.lease);
      });
}

namespace {

// Options a mutant sweep runs the examples with: client load on, a lease short enough for the
// sweep's 10 s runs to renew and expire leases.
ProtocolOptions load_options() { return {{"call_every", "40ms"}, {"lease", "1s"}}; }

CatalogEntry example_entry(ProtocolSpec spec, bool rmi) {
  std::vector<MutantSpec> mutants = rpc::endpoint_mutants(rmi);
  for (auto& m : mutants) m.options = load_options();
  auto checkers = [name = spec.name](const ProtocolOptions& opts) {
    const auto o = parse_example_options(opts, name);
    const ExampleOptions e = o ? *o : ExampleOptions{};
    return rpc::rpc_checkers(rpc::longest_deadline(
        std::max(e.call_deadline, e.limits.default_deadline), e.limits.lease));
  };
  return {.spec = std::move(spec),
          .checkers = checkers,
          .protocols = {kRpcProtocol},
          .options = {{"lease", "10s", "RMI lease (at least 30ms)"},
                      {"dedup_ttl", "30s", "how long replies are kept for duplicates"},
                      {"call_every", "0s", "simulated client load: each node calls every D"},
                      {"mutant", "", "P1..P7: break one rule of endpoint.hpp (simulation only)"}},
          .mutants = std::move(mutants)};
}

}  // namespace

Catalog catalog() {
  return {example_entry(calculator_spec(), /*rmi=*/false),
          example_entry(bank_spec(), /*rmi=*/true)};
}

}  // namespace synod::examples
