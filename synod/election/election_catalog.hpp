// The elections as deployable protocols (for `synod sim` / `synod node`), each over the reliable
// FIFO channel: the textbook algorithms assume reliable delivery, and FIFO without duplicates
// keeps the message counts those of the textbook (see docs/protocols/elections.md).
//   bully_spec()     "bully"
//   ring_spec()      "ring"
//   election_spec()  "election" with algo=bully|ring (default bully)
#pragma once

#include "synod/check/catalog.hpp"
#include "synod/node/registry.hpp"

namespace synod::election {

ProtocolSpec bully_spec();
ProtocolSpec ring_spec();
ProtocolSpec election_spec();

// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();

}  // namespace synod::election
