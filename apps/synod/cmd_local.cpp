// synod local up|down|status: a cluster of real `synod node` processes on 127.0.0.1, described by
// files in one directory (see synod/runtime/local_cluster.hpp). `up` without --detach stays in the
// foreground refreshing the status table and stops every node on Ctrl-C.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/synod/catalog.hpp"
#include "apps/synod/commands.hpp"
#include "synod/runtime/control.hpp"
#include "synod/runtime/local_cluster.hpp"
#include "synod/runtime/process.hpp"

namespace synod::app {
namespace {

using runtime::LocalNode;

// How long `up` waits for every node to answer status before giving up.
constexpr auto kStartupTimeout = std::chrono::seconds(15);
constexpr auto kRefreshInterval = std::chrono::seconds(2);
constexpr auto kStatusTimeout = std::chrono::milliseconds(500);

struct LocalArgs {
  runtime::LocalClusterSpec spec;
  std::string protocols = "heartbeat";
  bool detach = false;
  bool json = false;
  CLI::App* up = nullptr;
  CLI::App* down = nullptr;
  CLI::App* status = nullptr;
};

volatile std::sig_atomic_t g_stop_requested = 0;
extern "C" void on_stop_signal(int) { g_stop_requested = 1; }

std::string self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("/proc/self/exe") : p.string();
}

std::string last_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::string last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

// One JSON value as a person reads it: strings unquoted, short lists of scalars inline, longer
// ones and deeper objects by their size.
std::string readable_value(const nlohmann::json& v, int depth) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    const bool scalars =
        std::all_of(v.begin(), v.end(), [](const auto& x) { return x.is_primitive(); });
    if (!scalars || v.size() > 6) return "[" + std::to_string(v.size()) + " items]";
    std::string out;
    for (const auto& x : v) out += (out.empty() ? "" : ",") + readable_value(x, depth + 1);
    return "[" + out + "]";
  }
  if (v.is_object()) {
    if (depth >= 1 || v.size() > 6) return "{" + std::to_string(v.size()) + " fields}";
    std::string out;
    for (auto it = v.begin(); it != v.end(); ++it) {
      out += (out.empty() ? "" : " ") + it.key() + "=" + readable_value(*it, depth + 1);
    }
    return "{" + out + "}";
  }
  return v.dump();
}

// A protocol status without a summary of its own: its fields as key=value, every one of them
// (a table cell that cuts JSON at 60 characters hides the field one was looking for).
std::string readable_fields(const nlohmann::json& s) {
  if (!s.is_object()) return readable_value(s, 0);
  std::string out;
  for (auto it = s.begin(); it != s.end(); ++it) {
    out += (out.empty() ? "" : " ") + it.key() + "=" + readable_value(*it, 0);
  }
  return out.empty() ? "-" : out;
}

// "alive 2,3; suspected 4" for a protocol whose status has peers.<id>.state, "leader 3 (epoch
// 2.3)" for an election, role and clock offset for time sync, else compact JSON.
std::string summarize_protocol(const nlohmann::json& s) {
  if (s.contains("leader") && s["leader"].is_number_unsigned()) {
    const auto leader = s["leader"].get<std::uint64_t>();
    return leader == 0 ? "no leader"
                       : "leader " + std::to_string(leader) + " (epoch " +
                             s.value("epoch", std::string("?")) + ")";
  }
  if (s.contains("peers") && s["peers"].is_object()) {
    std::map<std::string, std::string> by_state;
    for (auto it = s["peers"].begin(); it != s["peers"].end(); ++it) {
      if (!it.value().is_object() || !it.value().contains("state")) continue;
      std::string& ids = by_state[it.value()["state"].get<std::string>()];
      ids += (ids.empty() ? "" : ",") + it.key();
    }
    std::string out;
    for (const auto& [state, ids] : by_state) out += (out.empty() ? "" : "; ") + state + " " + ids;
    if (!out.empty()) return out;
  }
  // Time sync (cristian, berkeley): "slave of 1, clock -100.021 ms from the host".
  if (s.contains("offset_ns") && s["offset_ns"].is_number_integer() && s.contains("role")) {
    const std::string role = s.value("role", std::string("?"));
    const auto ref = s.value("master", s.value("server", 0));
    return role +
           (ref != 0 && role != "master" && role != "server" ? " of " + std::to_string(ref)
                                                             : std::string()) +
           fmt::format(", clock {:+.3f} ms from the host", s["offset_ns"].get<double>() / 1e6);
  }
  return readable_fields(s);
}

struct NodeView {
  const LocalNode* node = nullptr;
  bool alive = false;
  std::optional<nlohmann::json> status;
};

// `own_children`: the nodes were spawned by this process. Their pids cannot be stale, and between
// fork and exec a child's command line is still ours, so it is not checked.
std::vector<NodeView> query_all(const std::vector<LocalNode>& nodes, bool own_children) {
  std::vector<NodeView> out;
  for (const auto& n : nodes) {
    runtime::reap_child(n.pid);
    NodeView v;
    v.node = &n;
    v.alive = runtime::process_alive(n.pid, own_children ? std::string() : n.config_path);
    if (v.alive) {
      auto reply = runtime::control_request(n.socket_path(), "status", kStatusTimeout);
      if (reply) {
        auto j = nlohmann::json::parse(*reply, nullptr, false);
        if (!j.is_discarded()) v.status = std::move(j);
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

void print_table(const std::vector<NodeView>& views) {
  std::printf("%-5s %-8s %-12s %-22s %-9s %s\n", "NODE", "PID", "STATE", "LISTEN", "UPTIME",
              "PROTOCOLS");
  for (const auto& v : views) {
    std::string state = v.status ? "up" : v.alive ? "unresponsive" : "down";
    std::string listen = "-";
    std::string uptime = "-";
    std::string protocols;
    if (v.status) {
      const auto& rt = (*v.status)["runtime"];
      if (rt.contains("network")) listen = rt["network"].value("listen", "-");
      uptime = std::to_string(rt.value("uptime_ms", 0) / 1000) + "s";
      for (auto it = (*v.status)["protocols"].begin(); it != (*v.status)["protocols"].end(); ++it) {
        protocols += (protocols.empty() ? "" : " | ") + it.key() + ": " + summarize_protocol(*it);
      }
    }
    std::printf("%-5u %-8d %-12s %-22s %-9s %s\n", v.node->id, static_cast<int>(v.node->pid),
                state.c_str(), listen.c_str(), uptime.c_str(), protocols.c_str());
  }
  std::fflush(stdout);
}

std::vector<std::pair<pid_t, std::string>> targets(const std::vector<LocalNode>& nodes,
                                                   bool own_children) {
  std::vector<std::pair<pid_t, std::string>> t;
  for (const auto& n : nodes) t.emplace_back(n.pid, own_children ? std::string() : n.config_path);
  return t;
}

void stop_all(const std::vector<LocalNode>& nodes, const std::string& dir, bool own_children) {
  const int killed = runtime::stop_processes(targets(nodes, own_children));
  std::error_code ec;
  std::filesystem::remove(runtime::pids_path(dir), ec);
  std::printf("stopped %zu node(s)%s\n", nodes.size(),
              killed > 0
                  ? (" (" + std::to_string(killed) + " killed after the grace period)").c_str()
                  : "");
}

bool any_running(const std::string& dir) {
  auto nodes = runtime::read_pids_file(dir);
  if (!nodes) return false;
  for (const auto& n : *nodes) {
    if (runtime::process_alive(n.pid, n.config_path)) return true;
  }
  return false;
}

int run_up(LocalArgs& a) {
  auto& spec = a.spec;
  spec.protocols.clear();
  std::string rest = a.protocols;
  for (std::size_t pos; (pos = rest.find(',')) != std::string::npos; rest.erase(0, pos + 1)) {
    spec.protocols.push_back(rest.substr(0, pos));
  }
  spec.protocols.push_back(rest);
  if (any_running(spec.dir)) {
    std::fprintf(stderr,
                 "synod local up: a cluster is already running in %s (synod local down --dir %s)\n",
                 spec.dir.c_str(), spec.dir.c_str());
    return kExitUsage;
  }
  auto configs = runtime::plan_local_cluster(spec);
  if (!configs) {
    std::fprintf(stderr, "synod local up: %s\n", configs.status().message().c_str());
    return kExitUsage;
  }
  // Build the protocols once here so a bad name or option fails before any process starts.
  auto lookup = [](std::string_view name) -> const ProtocolSpec* {
    const CatalogEntry* e = find_protocol(name);
    return e == nullptr ? nullptr : &e->spec;
  };
  if (auto p = runtime::build_protocols(configs->front(), lookup, protocol_names()); !p) {
    std::fprintf(stderr, "synod local up: %s\n", p.status().message().c_str());
    return kExitUsage;
  }
  auto nodes = runtime::write_local_configs(spec.dir, *configs);
  if (!nodes) {
    std::fprintf(stderr, "synod local up: %s\n", nodes.status().message().c_str());
    return kExitFailed;
  }
  const std::string exe = self_exe();
  for (auto& n : *nodes) {
    auto pid = runtime::spawn_process({exe, "node", "--config", n.config_path},
                                      n.data_dir() + "/output.log");
    if (!pid) {
      std::fprintf(stderr, "synod local up: node %u: %s\n", n.id, pid.status().message().c_str());
      stop_all(*nodes, spec.dir, true);
      return kExitFailed;
    }
    n.pid = *pid;
  }
  if (Status s = runtime::write_pids_file(spec.dir, *nodes); !s.is_ok()) {
    std::fprintf(stderr, "synod local up: %s\n", s.message().c_str());
    stop_all(*nodes, spec.dir, true);
    return kExitFailed;
  }
  // Wait until every node answers status.
  const auto deadline = std::chrono::steady_clock::now() + kStartupTimeout;
  for (;;) {
    auto views = query_all(*nodes, true);
    bool all_up = true;
    for (const auto& v : views) {
      if (!v.alive) {
        std::fprintf(stderr,
                     "synod local up: node %u exited during startup: %s (see %s/output.log)\n",
                     v.node->id, last_line(v.node->data_dir() + "/output.log").c_str(),
                     v.node->data_dir().c_str());
        stop_all(*nodes, spec.dir, true);
        return kExitFailed;
      }
      all_up = all_up && v.status.has_value();
    }
    if (all_up) {
      print_table(views);
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      std::fprintf(stderr, "synod local up: nodes did not answer status within %llds\n",
                   static_cast<long long>(kStartupTimeout.count()));
      stop_all(*nodes, spec.dir, true);
      return kExitFailed;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (a.detach) {
    std::printf("cluster of %zu running in %s; stop it with: synod local down --dir %s\n",
                nodes->size(), spec.dir.c_str(), spec.dir.c_str());
    return kExitOk;
  }
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  auto next_refresh = std::chrono::steady_clock::now() + kRefreshInterval;
  while (g_stop_requested == 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (std::chrono::steady_clock::now() >= next_refresh) {
      std::printf("\n");
      print_table(query_all(*nodes, true));
      next_refresh += kRefreshInterval;
    }
  }
  std::printf("\nstopping...\n");
  stop_all(*nodes, spec.dir, true);
  return kExitOk;
}

int run_down(const LocalArgs& a) {
  auto nodes = runtime::read_pids_file(a.spec.dir);
  if (!nodes) {
    std::fprintf(stderr, "synod local down: %s\n", nodes.status().message().c_str());
    return kExitFailed;
  }
  stop_all(*nodes, a.spec.dir, false);
  return kExitOk;
}

int run_status(const LocalArgs& a) {
  auto nodes = runtime::read_pids_file(a.spec.dir);
  if (!nodes) {
    std::fprintf(stderr, "synod local status: %s\n", nodes.status().message().c_str());
    return kExitFailed;
  }
  auto views = query_all(*nodes, false);
  if (!a.json) {
    print_table(views);
    return kExitOk;
  }
  nlohmann::json out = {{"dir", a.spec.dir}, {"nodes", nlohmann::json::array()}};
  for (const auto& v : views) {
    nlohmann::json n = {{"id", v.node->id},
                        {"pid", v.node->pid},
                        {"state", v.status  ? "up"
                                  : v.alive ? "unresponsive"
                                            : "down"}};
    if (v.status) n["status"] = *v.status;
    out["nodes"].push_back(std::move(n));
  }
  std::printf("%s\n", out.dump().c_str());
  return kExitOk;
}

}  // namespace

void add_local_command(CLI::App& app, Commands& out) {
  auto a = std::make_shared<LocalArgs>();
  CLI::App* sub = app.add_subcommand("local", "Run a cluster of node processes on 127.0.0.1");
  sub->require_subcommand(1);
  a->up = sub->add_subcommand("up", "Start N nodes (foreground unless --detach)");
  a->up->add_option("--nodes", a->spec.nodes, "Number of nodes (1..64)")->required();
  a->up->add_option("--protocols", a->protocols, "Comma-separated protocols (default heartbeat)");
  a->up->add_option("--clients", a->spec.clients,
                    "Client slots after the nodes, for `synod rpc` (default 0)");
  a->up->add_option("--base-port", a->spec.base_port,
                    "Port of node 1; node i uses base+i-1 (default 7001)");
  a->up->add_option("--dir", a->spec.dir, "Cluster directory (default .synod/local)");
  a->up->add_option("--set", a->spec.sets, "protocol.key=value for every node (repeatable)");
  a->up->add_option("--transport", a->spec.transport, "tcp (default) or udp");
  a->up->add_option("--log-level", a->spec.log_level, "Nodes' log level (default info)");
  a->up->add_flag("--detach", a->detach, "Return once every node answers status");
  a->down = sub->add_subcommand("down", "Stop a detached cluster");
  a->down->add_option("--dir", a->spec.dir, "Cluster directory (default .synod/local)");
  a->status = sub->add_subcommand("status", "Show every node's status (a dead node shows as down)");
  a->status->add_option("--dir", a->spec.dir, "Cluster directory (default .synod/local)");
  a->status->add_flag("--json", a->json, "One JSON object instead of a table");
  out.push_back({sub, [a] {
                   if (a->up->parsed()) return run_up(*a);
                   if (a->down->parsed()) return run_down(*a);
                   return run_status(*a);
                 }});
}

}  // namespace synod::app
