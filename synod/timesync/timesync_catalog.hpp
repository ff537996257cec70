// The time-sync protocols as deployable protocols (for `synod sim` / `synod node`):
//   cristian_spec()   "cristian"  (protocol 70, RPC time servers + clients)
//   berkeley_spec()   "berkeley"  (protocol 71)
// and the checker settings the catalog uses for both simulated runs and real traces.
#pragma once

#include "synod/node/registry.hpp"
#include "synod/timesync/berkeley_checker.hpp"
#include "synod/timesync/cristian_checker.hpp"

namespace synod::timesync {

ProtocolSpec cristian_spec();
ProtocolSpec berkeley_spec();

// Real traces stamp events with the wall clock a few microseconds after the protocol read its
// clock, so the catalog's checkers allow 100 us of slack (the unit tests use 2 us).
inline constexpr Duration kTraceSlack = std::chrono::microseconds(100);
CheckerList cristian_catalog_checkers();
CheckerList berkeley_catalog_checkers();

}  // namespace synod::timesync
