// Sending one operator command (Protocol::on_command) to one node of a local cluster, or to any
// node through its control socket path. Shared by the subcommands that drive protocols
// (`synod lock`, `synod snapshot`).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "synod/core/status.hpp"
#include "synod/core/time.hpp"
#include "synod/runtime/local_cluster.hpp"

namespace synod::app {

// Where to send: `socket` when set, else node `node` of the cluster in `dir`.
struct NodeTarget {
  std::string dir = ".synod/local";
  NodeId node = 1;
  std::string socket;
};

// The control socket of the target; an error when the node is not in the cluster or not running.
Result<std::string> target_socket(const NodeTarget& target);

// One node's answer to "status": `state` is "down" (no process), "unresponsive" (no parsable
// reply) or "up" with the status object in `status`.
struct NodeStatus {
  std::string state = "down";
  nlohmann::json status;
};
NodeStatus read_node_status(const runtime::LocalNode& node);

// Sends "cmd PROTOCOL VERB ARGS" and returns the node's JSON reply line (which may itself carry an
// "error" member: the protocol refused).
Result<std::string> node_command(const std::string& socket, const std::string& protocol,
                                 const std::string& verb, const std::string& args,
                                 Duration timeout);

}  // namespace synod::app
