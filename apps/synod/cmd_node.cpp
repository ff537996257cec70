// synod node: runs one node process (see docs/runtime.md). Config comes from --config FILE.toml
// and/or flags; flags override the file. A bad config is one line on stderr and exit 2; a node that
// cannot start (address in use, corrupt storage) is one line and exit 1; SIGINT/SIGTERM shut it
// down cleanly with exit 0.
#include <cstdio>
#include <memory>
#include <optional>

#include "apps/synod/catalog.hpp"
#include "apps/synod/commands.hpp"
#include "synod/runtime/config.hpp"
#include "synod/runtime/node_runtime.hpp"

namespace synod::app {
namespace {

struct NodeArgs {
  std::string config;
  std::string id, listen, protocols, data_dir, transport, cluster, log_level;
  std::vector<std::string> peers, sets;
};

std::optional<std::string> flag(const std::string& v) {
  return v.empty() ? std::nullopt : std::optional<std::string>(v);
}

int run_node(const NodeArgs& a) {
  runtime::ConfigOverrides o;
  o.id = flag(a.id);
  o.listen = flag(a.listen);
  o.peers = a.peers;
  o.protocols = flag(a.protocols);
  o.data_dir = flag(a.data_dir);
  o.transport = flag(a.transport);
  o.cluster = flag(a.cluster);
  o.log_level = flag(a.log_level);
  o.sets = a.sets;
  auto config = runtime::load_config(flag(a.config), o);
  if (!config) {
    std::fprintf(stderr, "synod node: config: %s\n", config.status().message().c_str());
    return kExitUsage;
  }
  auto lookup = [](std::string_view name) -> const ProtocolSpec* {
    const CatalogEntry* e = find_protocol(name);
    return e == nullptr ? nullptr : &e->spec;
  };
  auto protocols = runtime::build_protocols(*config, lookup, protocol_names());
  if (!protocols) {
    std::fprintf(stderr, "synod node: config: %s\n", protocols.status().message().c_str());
    return kExitUsage;
  }
  auto rt = runtime::NodeRuntime::create(std::move(*config), std::move(*protocols));
  if (!rt) {
    std::fprintf(stderr, "synod node: cannot start: %s\n", rt.status().message().c_str());
    return kExitFailed;
  }
  return (*rt)->run();
}

}  // namespace

void add_node_command(CLI::App& app, Commands& out) {
  auto a = std::make_shared<NodeArgs>();
  CLI::App* sub =
      app.add_subcommand("node", "Run one node process (TCP/UDP, timers, file storage)");
  sub->add_option("--config", a->config, "TOML config file; flags below override it");
  sub->add_option("--id", a->id, "This node's id (positive integer)");
  sub->add_option("--listen", a->listen, "host:port to listen on");
  sub->add_option("--peer", a->peers, "id=host:port of a peer (repeatable; replaces [peers])");
  sub->add_option("--protocols", a->protocols, "Comma-separated protocols, e.g. heartbeat");
  sub->add_option("--data-dir", a->data_dir, "Data directory (default .synod/node-<id>)");
  sub->add_option("--transport", a->transport, "tcp (default) or udp");
  sub->add_option("--set", a->sets, "protocol.key=value option (repeatable)");
  sub->add_option("--cluster", a->cluster, "Cluster name; peers with another name are refused");
  sub->add_option("--log-level", a->log_level, "trace, debug, info (default), warn, error, off");
  out.push_back({sub, [a] { return run_node(*a); }});
}

}  // namespace synod::app
