// `synod local`: N node processes on 127.0.0.1 described by files in one directory:
//   <dir>/node-<id>.toml   the node's config
//   <dir>/node-<id>/       its data dir (trace.jsonl, node.log, output.log, control.sock, storage/)
//   <dir>/pids             one line per node: "<id> <pid> <config path>"
// Paths are absolute so that `local down`/`local status` work from any working directory.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "synod/runtime/config.hpp"

namespace synod::runtime {

inline constexpr int kMaxLocalNodes = 64;

struct LocalClusterSpec {
  int nodes = 3;
  // Client slots: ids nodes+1..nodes+clients (ports continue after the nodes') are listed as
  // peers in every node's config but not started, so that short-lived client nodes (`synod rpc`)
  // can join the cluster. A slot has no node-<id>.toml.
  int clients = 0;
  std::vector<std::string> protocols = {"heartbeat"};
  int base_port = 7001;  // node i listens on base_port + i - 1
  std::string dir = ".synod/local";
  std::vector<std::string> sets;  // "proto.key=value", applied to every node
  std::string transport = "tcp";
  std::string cluster = "local";
  std::string log_level = "info";
};

struct LocalNode {
  NodeId id = kNoNode;
  pid_t pid = 0;
  std::string config_path;
  std::string data_dir() const;
  std::string socket_path() const { return data_dir() + "/control.sock"; }
};

// Validated configs, one per node, with absolute paths.
Result<std::vector<NodeConfig>> plan_local_cluster(const LocalClusterSpec& spec);
// Writes node-<id>.toml files and creates data dirs; returns the nodes (pid 0).
Result<std::vector<LocalNode>> write_local_configs(const std::string& dir,
                                                   const std::vector<NodeConfig>& configs);

std::string pids_path(const std::string& dir);
Status write_pids_file(const std::string& dir, const std::vector<LocalNode>& nodes);
Result<std::vector<LocalNode>> read_pids_file(const std::string& dir);

}  // namespace synod::runtime
