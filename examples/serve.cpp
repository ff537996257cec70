#include "examples/serve.hpp"

#include "examples/bank.hpp"
#include "examples/calculator.hpp"
#include "synod/rpc/lambda_app.hpp"
#include "synod/rpc/rpc_checker.hpp"

namespace synod::examples {

Result<rpc::RpcLimits> parse_example_limits(const ProtocolOptions& opts, std::string_view name) {
  const std::string who(name);
  for (const auto& [key, value] : opts) {
    if (key != "lease" && key != "dedup_ttl") {
      return invalid_argument(who + ": unknown option '" + key + "' (lease, dedup_ttl)");
    }
  }
  rpc::RpcLimits limits;
  auto lease = option_duration(opts, "lease", limits.lease);
  if (!lease) return lease.status();
  auto ttl = option_duration(opts, "dedup_ttl", limits.dedup_ttl);
  if (!ttl) return ttl.status();
  if (*lease < std::chrono::milliseconds(30) || *ttl <= Duration::zero()) {
    return invalid_argument(who + ": lease must be at least 30ms and dedup_ttl positive");
  }
  limits.lease = *lease;
  limits.dedup_ttl = *ttl;
  return limits;
}

namespace {

template <typename Serve>
ProtocolSpec example_spec(std::string name, std::string summary, Serve serve) {
  return {
      name, std::move(summary),
      [name, serve](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
        auto limits = parse_example_limits(opts, name);
        if (!limits) return limits.status();
        std::vector<std::unique_ptr<rpc::App>> apps;
        apps.push_back(rpc::make_app(serve));
        return std::unique_ptr<Protocol>(std::make_unique<rpc::Endpoint>(*limits, std::move(apps)));
      }};
}

}  // namespace

ProtocolSpec calculator_spec() {
  return example_spec(
      "calculator", "RPC example: serves examples.Calculator at object 16", [](rpc::Endpoint& ep) {
        SYNOD_ASSERT(
            ep.serve<Calculator>(kCalculatorId, std::make_shared<CalculatorServant>()).is_ok());
      });
}

ProtocolSpec bank_spec() {
  return example_spec(
      "bank", "RMI example: serves examples.Bank at object 17, accounts by reference",
      [](rpc::Endpoint& ep) {
        SYNOD_ASSERT(ep.serve<Bank>(kBankId, std::make_shared<BankServant>()).is_ok());
      });
}

Catalog catalog() {
  const auto checkers = fixed_checkers([] { return rpc::rpc_checkers(); });
  return {{.spec = calculator_spec(), .checkers = checkers, .protocols = {kRpcProtocol}},
          {.spec = bank_spec(), .checkers = checkers, .protocols = {kRpcProtocol}}};
}

}  // namespace synod::examples
