#include "apps/synod/catalog.hpp"

#include "examples/serve.hpp"
#include "synod/channel/channel_catalog.hpp"
#include "synod/election/election_catalog.hpp"
#include "synod/heartbeat/heartbeat.hpp"
#include "synod/multicast/multicast_catalog.hpp"
#include "synod/mutex/mutex_catalog.hpp"
#include "synod/ntp/ntp_protocol.hpp"
#include "synod/rpc/rpc_checker.hpp"
#include "synod/snapshot/snapshot_catalog.hpp"
#include "synod/timesync/timesync_catalog.hpp"

namespace synod::app {

const Catalog& catalog() {
  static const Catalog entries = [] {
    Catalog all;
    // The registry: one line per layer, in the order `synod protocols` lists them.
    for (Catalog layer : {
             heartbeat::catalog(),
             rpc::catalog(),
             channel::catalog(),
             mutex::catalog(),
             election::catalog(),
             timesync::catalog(),
             ntp::catalog(),
             examples::catalog(),
             snapshot::catalog(),
             multicast::catalog(),
         }) {
      for (auto& e : layer) all.push_back(std::move(e));
    }
    return all;
  }();
  return entries;
}

const CatalogEntry* find_protocol(std::string_view name) {
  for (const auto& e : catalog()) {
    if (e.spec.name == name) return &e;
  }
  return nullptr;
}

std::string protocol_names() {
  std::string out;
  for (const auto& e : catalog()) {
    if (!out.empty()) out += ", ";
    out += e.spec.name;
  }
  return out;
}

}  // namespace synod::app
