// The examples as protocols a real node can run: `synod node --protocols calculator` or
// `synod local up --nodes 3 --clients 1 --protocols bank` builds an rpc::Endpoint serving the
// example's servant at its well-known id (kCalculatorId, kBankId). One rpc endpoint per node, so
// "calculator" and "bank" are exclusive (both are protocol id 40).
//
// Options ([protocol.calculator] / [protocol.bank], or --set bank.lease=2s):
//   lease      RMI lease (default 10s, at least 30ms); clients must use the same or a shorter one
//   dedup_ttl  how long replies are kept for duplicate suppression (default 30s)
#pragma once

#include "synod/check/catalog.hpp"
#include "synod/node/registry.hpp"
#include "synod/rpc/limits.hpp"

namespace synod::examples {

// Parses the options above into limits (unknown keys are errors naming the protocol).
Result<rpc::RpcLimits> parse_example_limits(const ProtocolOptions& opts, std::string_view name);

ProtocolSpec calculator_spec();
ProtocolSpec bank_spec();

// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();

}  // namespace synod::examples
