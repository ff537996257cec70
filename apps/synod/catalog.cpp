#include "apps/synod/catalog.hpp"

#include "examples/serve.hpp"
#include "synod/channel/channel_catalog.hpp"
#include "synod/channel/channel_checker.hpp"
#include "synod/election/election_catalog.hpp"
#include "synod/election/election_checker.hpp"
#include "synod/heartbeat/heartbeat.hpp"
#include "synod/heartbeat/heartbeat_checker.hpp"
#include "synod/mutex/mutex_catalog.hpp"
#include "synod/mutex/mutex_checker.hpp"
#include "synod/ntp/ntp_protocol.hpp"
#include "synod/rpc/rpc_checker.hpp"
#include "synod/rpc/workload.hpp"
#include "synod/snapshot/bank_checker.hpp"
#include "synod/snapshot/snapshot_catalog.hpp"
#include "synod/timesync/timesync_catalog.hpp"

namespace synod::app {

const std::vector<CatalogEntry>& catalog() {
  static const std::vector<CatalogEntry> entries = [] {
    std::vector<CatalogEntry> v;
    v.push_back({heartbeat_spec(), [] { return heartbeat_checkers(); }});
    v.push_back({rpc::workload::workload_spec(), [] { return rpc::rpc_checkers(); }});
    v.push_back(
        {channel::reliable_stream_spec(), [] { return channel::reliable_channel_checkers(); }});
    v.push_back({channel::best_effort_stream_spec(),
                 [] { return channel::best_effort_channel_checkers(); }});
    v.push_back({mutex::mutex_spec(), [] { return mutex::mutex_checkers(); }});
    for (auto& spec : mutex::mutex_algorithm_specs()) {
      v.push_back({std::move(spec), [] { return mutex::mutex_checkers(); }});
    }
    v.push_back({election::bully_spec(), [] { return election::election_checkers(); }});
    v.push_back({election::ring_spec(), [] { return election::election_checkers(); }});
    v.push_back({election::election_spec(), [] { return election::election_checkers(); }});
    v.push_back({timesync::cristian_spec(), [] { return timesync::cristian_catalog_checkers(); }});
    v.push_back({timesync::berkeley_spec(), [] { return timesync::berkeley_catalog_checkers(); }});
    v.push_back({ntp::ntp_spec(), [] { return CheckerList{}; }});
    v.push_back({examples::calculator_spec(), [] { return rpc::rpc_checkers(); }});
    v.push_back({examples::bank_spec(), [] { return rpc::rpc_checkers(); }});
    v.push_back({snapshot::bank_snapshot_spec(), [] { return snapshot::bank_checkers(); }});
    return v;
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
