// synod leader [--dir DIR] [--json]: asks every node of a local cluster which leader (and epoch)
// its election protocol follows, and whether the live nodes agree. Exit 0 when every live node
// follows the same leader in the same epoch, 1 otherwise (no election protocol, disagreement, no
// live node).
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "apps/synod/commands.hpp"
#include "apps/synod/node_command.hpp"
#include "synod/runtime/local_cluster.hpp"

namespace synod::app {
namespace {

struct LeaderArgs {
  std::string dir = ".synod/local";
  bool json = false;
};

struct View {
  NodeId node = 0;
  std::string state = "down";  // up, unresponsive, down
  std::optional<std::uint64_t> leader;
  std::string epoch;
  std::string protocol;
};

// The first protocol whose status names a leader (bully, ring, or anything that reports one).
void read_leader(const nlohmann::json& status, View& v) {
  const auto it = status.find("protocols");
  if (it == status.end() || !it->is_object()) return;
  for (const auto& [name, p] : it->items()) {
    if (p.is_object() && p.contains("leader") && p["leader"].is_number_unsigned()) {
      v.protocol = name;
      v.leader = p["leader"].get<std::uint64_t>();
      v.epoch = p.value("epoch", std::string());
      return;
    }
  }
}

View query(const runtime::LocalNode& n) {
  View v;
  v.node = n.id;
  const NodeStatus st = read_node_status(n);
  v.state = st.state;
  if (st.state == "up") read_leader(st.status, v);
  return v;
}

int run_leader(const LeaderArgs& a) {
  auto nodes = runtime::read_pids_file(a.dir);
  if (!nodes) {
    std::fprintf(stderr, "synod leader: %s\n", nodes.status().message().c_str());
    return kExitUsage;
  }
  std::vector<View> views;
  std::map<std::pair<std::uint64_t, std::string>, int> votes;
  int live = 0;
  for (const auto& n : *nodes) {
    views.push_back(query(n));
    const View& v = views.back();
    if (v.state != "up") continue;
    ++live;
    if (v.leader && *v.leader != 0) ++votes[{*v.leader, v.epoch}];
  }
  const bool agreed = live > 0 && votes.size() == 1 && votes.begin()->second == live;
  if (a.json) {
    nlohmann::json out = {{"agreed", agreed}, {"nodes", nlohmann::json::array()}};
    if (agreed) {
      out["leader"] = votes.begin()->first.first;
      out["epoch"] = votes.begin()->first.second;
    }
    for (const auto& v : views) {
      nlohmann::json n = {{"id", v.node}, {"state", v.state}, {"protocol", v.protocol}};
      if (v.leader) n["leader"] = *v.leader;
      if (!v.epoch.empty()) n["epoch"] = v.epoch;
      out["nodes"].push_back(std::move(n));
    }
    std::printf("%s\n", out.dump().c_str());
    return agreed ? kExitOk : kExitFailed;
  }
  std::printf("%-5s %-13s %-10s %-8s %s\n", "NODE", "STATE", "PROTOCOL", "LEADER", "EPOCH");
  for (const auto& v : views) {
    std::printf("%-5u %-13s %-10s %-8s %s\n", v.node, v.state.c_str(),
                v.protocol.empty() ? "-" : v.protocol.c_str(),
                v.leader ? (*v.leader == 0 ? "none" : std::to_string(*v.leader).c_str()) : "-",
                v.epoch.empty() ? "-" : v.epoch.c_str());
  }
  if (agreed) {
    std::printf("leader: node %llu (epoch %s), agreed by all %d live node(s)\n",
                static_cast<unsigned long long>(votes.begin()->first.first),
                votes.begin()->first.second.c_str(), live);
  } else {
    std::printf("no agreed leader among %d live node(s)\n", live);
  }
  return agreed ? kExitOk : kExitFailed;
}

}  // namespace

void add_leader_command(CLI::App& app, Commands& out) {
  auto args = std::make_shared<LeaderArgs>();
  CLI::App* sub =
      app.add_subcommand("leader", "Show which leader each node follows, and whether they agree");
  sub->add_option("--dir", args->dir, "Cluster directory of `synod local up`")
      ->capture_default_str();
  sub->add_flag("--json", args->json, "One JSON object");
  out.push_back({sub, [args] { return run_leader(*args); }});
}

}  // namespace synod::app
