// The time-sync protocols as deployable protocols (for `synod sim` / `synod node`):
//   cristian_spec()   "cristian"  (protocol 70, RPC time servers + clients)
//   berkeley_spec()   "berkeley"  (protocol 71)
// and the checker settings the catalog uses for both simulated runs and real traces.
#pragma once

#include "synod/check/catalog.hpp"
#include "synod/node/registry.hpp"
#include "synod/timesync/berkeley_checker.hpp"
#include "synod/timesync/cristian_checker.hpp"

namespace synod::timesync {

ProtocolSpec cristian_spec();
ProtocolSpec berkeley_spec();

// Real traces stamp events with the wall clock a few microseconds after the protocol read its
// clock, more if the process is preempted in between on a loaded machine, so the catalog's
// checkers (used by `synod check` as well as `synod sim`) allow 500 us of slack; the unit and
// swarm tests use 2 us.
inline constexpr Duration kTraceSlack = std::chrono::microseconds(500);
// The catalog's checkers for a protocol run with `opts` (liveness windows follow its timeouts).
CheckerList cristian_catalog_checkers(const ProtocolOptions& opts = {});
CheckerList berkeley_catalog_checkers(const ProtocolOptions& opts = {});
CatalogEntry cristian_entry();
CatalogEntry berkeley_entry();

// This layer's registry entries (see synod/check/catalog.hpp).
Catalog catalog();

}  // namespace synod::timesync
