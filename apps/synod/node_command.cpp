#include "apps/synod/node_command.hpp"

#include "synod/runtime/control.hpp"
#include "synod/runtime/process.hpp"

namespace synod::app {

Result<std::string> target_socket(const NodeTarget& target) {
  if (!target.socket.empty()) return target.socket;
  auto nodes = runtime::read_pids_file(target.dir);
  if (!nodes) return nodes.status();
  for (const auto& n : *nodes) {
    if (n.id != target.node) continue;
    if (!runtime::process_alive(n.pid, n.config_path)) {
      return unavailable("node " + std::to_string(n.id) + " of " + target.dir + " is not running");
    }
    return n.socket_path();
  }
  return invalid_argument("no node " + std::to_string(target.node) + " in the cluster at " +
                          target.dir);
}

NodeStatus read_node_status(const runtime::LocalNode& node) {
  NodeStatus out;
  if (!runtime::process_alive(node.pid, node.config_path)) return out;
  out.state = "unresponsive";
  auto reply = runtime::control_request(node.socket_path(), "status", runtime::kControlTimeout);
  if (!reply) return out;
  auto j = nlohmann::json::parse(*reply, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return out;
  out.state = "up";
  out.status = std::move(j);
  return out;
}

Result<std::string> node_command(const std::string& socket, const std::string& protocol,
                                 const std::string& verb, const std::string& args,
                                 Duration timeout) {
  std::string line = "cmd " + protocol + " " + verb;
  if (!args.empty()) line += " " + args;
  if (line.size() + 1 > runtime::kMaxControlRequestBytes) {
    return invalid_argument("command too long (" + std::to_string(line.size()) + " bytes, max " +
                            std::to_string(runtime::kMaxControlRequestBytes - 1) + ")");
  }
  return runtime::control_request(socket, line, timeout);
}

}  // namespace synod::app
