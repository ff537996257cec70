// synod cmd NODE PROTOCOL VERB [key=value...]: sends any protocol's operator command
// (Protocol::on_command) to a running node over its control socket and prints the JSON reply.
// NODE is a node id of the local cluster in --dir, or a path: a node's data dir or its
// control.sock (the control endpoint is a Unix socket, so there is no network address form).
// Exit 0 on a reply, 1 when the node does not answer or the protocol answers with "error",
// 2 on bad usage.
#include <cstdio>
#include <filesystem>
#include <memory>

#include <nlohmann/json.hpp>

#include "apps/synod/commands.hpp"
#include "apps/synod/node_command.hpp"
#include "synod/node/registry.hpp"

namespace synod::app {
namespace {

struct CmdArgs {
  std::string node;
  std::string protocol;
  std::string verb;
  std::vector<std::string> args;
  std::string dir = ".synod/local";
  std::string timeout = "30s";
  bool pretty = false;
};

int usage(const std::string& message) {
  std::fprintf(stderr, "synod cmd: %s\n", message.c_str());
  return kExitUsage;
}

bool is_word(const std::string& s) {
  return !s.empty() && s.find_first_of(" \t\r\n") == std::string::npos;
}

// The control socket NODE names: an id in the cluster dir, a data dir, or the socket itself.
Result<std::string> socket_of(const CmdArgs& a) {
  if (a.node.find_first_not_of("0123456789") == std::string::npos) {
    if (a.node.size() > 9) return invalid_argument("node id " + a.node + " is too large");
    NodeTarget t;
    t.dir = a.dir;
    t.node = static_cast<NodeId>(std::stoul(a.node));
    return target_socket(t);
  }
  std::error_code ec;
  if (std::filesystem::is_directory(a.node, ec)) return a.node + "/control.sock";
  if (std::filesystem::is_socket(a.node, ec)) return a.node;
  return invalid_argument("NODE '" + a.node +
                          "' is neither a node id, a data dir nor a control socket");
}

int run_cmd(const CmdArgs& a) {
  if (a.node.empty()) return usage("NODE is empty");
  if (!is_word(a.protocol) || !is_word(a.verb)) {
    return usage("PROTOCOL and VERB are single words");
  }
  std::string args;
  for (const auto& kv : a.args) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0 || !is_word(kv)) {
      return usage("arguments are key=value without spaces, got '" + kv + "'");
    }
    args += (args.empty() ? "" : " ") + kv;
  }
  auto timeout = parse_duration(a.timeout);
  if (!timeout || timeout->count() <= 0) return usage("bad --timeout '" + a.timeout + "'");
  auto socket = socket_of(a);
  if (!socket) {
    const bool bad_usage = socket.status().code() == Code::kInvalidArgument;
    std::fprintf(stderr, "synod cmd: %s\n", socket.status().message().c_str());
    return bad_usage ? kExitUsage : kExitFailed;
  }
  auto reply = node_command(*socket, a.protocol, a.verb, args, *timeout);
  if (!reply) {
    if (reply.status().code() == Code::kInvalidArgument) return usage(reply.status().message());
    std::fprintf(stderr, "synod cmd: no reply from %s: %s\n", socket->c_str(),
                 reply.status().message().c_str());
    return kExitFailed;
  }
  auto j = nlohmann::json::parse(*reply, nullptr, false);
  if (j.is_discarded()) {
    std::fprintf(stderr, "synod cmd: the node's reply is not JSON: %s\n", reply->c_str());
    return kExitFailed;
  }
  std::printf("%s\n", j.dump(a.pretty ? 2 : -1).c_str());
  return j.is_object() && j.contains("error") ? kExitFailed : kExitOk;
}

}  // namespace

void add_cmd_command(CLI::App& app, Commands& out) {
  auto a = std::make_shared<CmdArgs>();
  CLI::App* sub = app.add_subcommand(
      "cmd", "Send a protocol's operator command to a running node and print its JSON reply");
  sub->add_option("node", a->node, "Node id in --dir, or a node's data dir or control socket")
      ->required();
  sub->add_option("protocol", a->protocol, "Protocol name as the node runs it (e.g. mutex)")
      ->required();
  sub->add_option("verb", a->verb, "The command (e.g. acquire, status, snapshot)")->required();
  sub->add_option("args", a->args, "key=value arguments");
  sub->add_option("--dir,--cluster", a->dir, "Cluster directory of `synod local up`")
      ->capture_default_str();
  sub->add_option("--timeout", a->timeout, "How long to wait for the reply")->capture_default_str();
  sub->add_flag("--pretty", a->pretty, "Indent the JSON reply");
  out.push_back({sub, [a] { return run_cmd(*a); }});
}

}  // namespace synod::app
