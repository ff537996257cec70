#include "synod/timesync/timesync_catalog.hpp"

#include <memory>

#include "synod/timesync/berkeley.hpp"
#include "synod/timesync/cristian.hpp"

namespace synod::timesync {

ProtocolSpec cristian_spec() {
  return {"cristian",
          "Cristian's method over RPC: servers (default 1,2) serve their clock, clients sample K "
          "times a round and apply T_server + RTT/2 of the lowest-RTT sample",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            auto o = parse_cristian_options(opts);
            if (!o) return o.status();
            return std::unique_ptr<Protocol>(std::make_unique<Cristian>(*o));
          }};
}

ProtocolSpec berkeley_spec() {
  return {"berkeley",
          "Berkeley algorithm: the master (lowest live id, or master=ID) polls every clock and "
          "sends each node its adjustment from a fault-tolerant average",
          [](const ProtocolOptions& opts) -> Result<std::unique_ptr<Protocol>> {
            auto o = parse_berkeley_options(opts);
            if (!o) return o.status();
            return std::unique_ptr<Protocol>(std::make_unique<Berkeley>(*o));
          }};
}

CheckerList cristian_catalog_checkers() {
  CristianCheckOptions o;
  o.slack = kTraceSlack;
  return cristian_checkers(o);
}

CheckerList berkeley_catalog_checkers() {
  BerkeleyCheckOptions o;
  o.slack = kTraceSlack;
  return berkeley_checkers(o);
}

Catalog catalog() {
  return {{.spec = cristian_spec(),
           .checkers = fixed_checkers([] { return cristian_catalog_checkers(); }),
           .protocols = {kCristianProtocol}},
          {.spec = berkeley_spec(),
           .checkers = fixed_checkers([] { return berkeley_catalog_checkers(); }),
           .protocols = {kBerkeleyProtocol}}};
}

}  // namespace synod::timesync
