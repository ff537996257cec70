// The examples as protocols a real node can run: `synod node --protocols calculator` or
// `synod local up --nodes 3 --clients 1 --protocols bank` builds an rpc::Endpoint serving the
// example's servant at its well-known id (kCalculatorId, kBankId). One rpc endpoint per node, so
// "calculator" and "bank" are exclusive (both are protocol id 40).
//
// Options ([protocol.calculator] / [protocol.bank], or --set bank.lease=2s):
//   lease       RMI lease (default 10s, at least 30ms); clients must use the same or a shorter one
//   dedup_ttl   how long replies are kept for duplicate suppression (default 30s)
//   call_every  simulated runs: every node also calls random peers this often (default 0s: off;
//               sim_clients.hpp), each call with a 1s deadline
//   mutant      P1..P7: break one endpoint rule (endpoint.hpp); simulated runs only
#pragma once

#include "synod/check/catalog.hpp"
#include "synod/node/mutant.hpp"
#include "synod/node/registry.hpp"
#include "synod/rpc/limits.hpp"

namespace synod::examples {

struct ExampleOptions {
  rpc::RpcLimits limits;
  Duration call_every{0};
  Duration call_deadline = std::chrono::seconds(1);
  Mutant mutant;
};

// Parses the options above (unknown keys are errors naming the protocol).
Result<ExampleOptions> parse_example_options(const ProtocolOptions& opts, std::string_view name);
// Only the endpoint limits of the options above.
Result<rpc::RpcLimits> parse_example_limits(const ProtocolOptions& opts, std::string_view name);

ProtocolSpec calculator_spec();
ProtocolSpec bank_spec();

// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();

}  // namespace synod::examples
