#include "synod/runtime/local_cluster.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace synod::runtime {

namespace fs = std::filesystem;

std::string LocalNode::data_dir() const {
  // node-<id>.toml -> node-<id>/
  return config_path.substr(0, config_path.size() - std::string_view(".toml").size());
}

Result<std::vector<NodeConfig>> plan_local_cluster(const LocalClusterSpec& spec) {
  if (spec.nodes < 1 || spec.nodes > kMaxLocalNodes) {
    return invalid_argument("--nodes must be in [1, " + std::to_string(kMaxLocalNodes) + "]");
  }
  if (spec.clients < 0 || spec.nodes + spec.clients > kMaxLocalNodes) {
    return invalid_argument("--nodes plus --clients must be at most " +
                            std::to_string(kMaxLocalNodes));
  }
  const int ids = spec.nodes + spec.clients;
  if (spec.base_port < 1 || spec.base_port + ids - 1 > 65535) {
    return invalid_argument("--base-port " + std::to_string(spec.base_port) +
                            " leaves no room for " + std::to_string(ids) + " ports");
  }
  std::error_code ec;
  const fs::path dir = fs::absolute(spec.dir, ec);
  if (ec) return invalid_argument("bad --dir " + spec.dir + ": " + ec.message());
  std::vector<NodeConfig> out;
  for (int i = 1; i <= spec.nodes; ++i) {
    const auto id = static_cast<NodeId>(i);
    ConfigOverrides o;
    o.id = std::to_string(id);
    o.listen = "127.0.0.1:" + std::to_string(spec.base_port + i - 1);
    for (int j = 1; j <= ids; ++j) {
      if (j != i)
        o.peers.push_back(std::to_string(j) +
                          "=127.0.0.1:" + std::to_string(spec.base_port + j - 1));
    }
    std::string protocols;
    for (const auto& p : spec.protocols) protocols += (protocols.empty() ? "" : ",") + p;
    o.protocols = protocols;
    o.data_dir = (dir / ("node-" + std::to_string(id))).string();
    o.transport = spec.transport;
    o.cluster = spec.cluster;
    o.log_level = spec.log_level;
    o.sets = spec.sets;
    NodeConfig c;
    SYNOD_RETURN_IF_ERROR(apply_overrides(c, o));
    SYNOD_RETURN_IF_ERROR(finish_config(c));
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::vector<LocalNode>> write_local_configs(const std::string& dir,
                                                   const std::vector<NodeConfig>& configs) {
  std::error_code ec;
  const fs::path abs = fs::absolute(dir, ec);
  fs::create_directories(abs, ec);
  if (ec) return unavailable("cannot create " + abs.string() + ": " + ec.message());
  std::vector<LocalNode> nodes;
  for (const auto& c : configs) {
    LocalNode n;
    n.id = c.id;
    n.config_path = (abs / ("node-" + std::to_string(c.id) + ".toml")).string();
    fs::create_directories(n.data_dir(), ec);
    if (ec) return unavailable("cannot create " + n.data_dir() + ": " + ec.message());
    std::ofstream out(n.config_path, std::ios::trunc);
    out << "# written by `synod local up`\n" << to_toml(c);
    if (!out) return unavailable("cannot write " + n.config_path);
    nodes.push_back(std::move(n));
  }
  return nodes;
}

std::string pids_path(const std::string& dir) {
  std::error_code ec;
  return (fs::absolute(dir, ec) / "pids").string();
}

Status write_pids_file(const std::string& dir, const std::vector<LocalNode>& nodes) {
  const std::string path = pids_path(dir);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    for (const auto& n : nodes) out << n.id << ' ' << n.pid << ' ' << n.config_path << '\n';
    if (!out) return unavailable("cannot write " + tmp);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return unavailable("cannot write " + path + ": " + ec.message());
  return Status::ok();
}

Result<std::vector<LocalNode>> read_pids_file(const std::string& dir) {
  const std::string path = pids_path(dir);
  std::ifstream in(path);
  if (!in) return not_found("no local cluster in " + dir + " (" + path + " not found)");
  std::vector<LocalNode> nodes;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty()) continue;
    std::istringstream fields(line);
    LocalNode n;
    if (!(fields >> n.id >> n.pid >> n.config_path) || n.id == kNoNode) {
      return invalid_argument(path + ":" + std::to_string(lineno) + ": malformed line");
    }
    nodes.push_back(std::move(n));
  }
  return nodes;
}

}  // namespace synod::runtime
