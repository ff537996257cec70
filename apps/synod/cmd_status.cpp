// synod status --data-dir D | --socket S: asks one running node for its status over its control
// socket and prints its JSON object (one line, or indented with --pretty). Exit 1 if the node does
// not answer.
#include <cstdio>
#include <memory>

#include <nlohmann/json.hpp>

#include "apps/synod/commands.hpp"
#include "synod/node/registry.hpp"
#include "synod/runtime/control.hpp"

namespace synod::app {
namespace {

struct StatusArgs {
  std::string data_dir;
  std::string socket;
  std::string timeout = "2s";
  bool pretty = false;
};

int run_status(const StatusArgs& a) {
  if (a.data_dir.empty() == a.socket.empty()) {
    std::fprintf(stderr, "synod status: give exactly one of --data-dir or --socket\n");
    return kExitUsage;
  }
  auto timeout = parse_duration(a.timeout);
  if (!timeout || timeout->count() <= 0) {
    std::fprintf(stderr, "synod status: bad --timeout '%s'\n", a.timeout.c_str());
    return kExitUsage;
  }
  const std::string path = a.socket.empty() ? a.data_dir + "/control.sock" : a.socket;
  auto reply = runtime::control_request(path, "status", *timeout);
  if (!reply) {
    std::fprintf(stderr, "synod status: node not answering: %s\n",
                 reply.status().message().c_str());
    return kExitFailed;
  }
  // The node's reply is one JSON object; print it through the parser, so what reaches the user
  // (and the scripts that read it) is valid JSON, indented with --pretty.
  auto j = nlohmann::json::parse(*reply, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    std::fprintf(stderr, "synod status: the node's reply is not a JSON object: %s\n",
                 reply->c_str());
    return kExitFailed;
  }
  std::printf("%s\n", j.dump(a.pretty ? 2 : -1).c_str());
  return kExitOk;
}

}  // namespace

void add_status_command(CLI::App& app, Commands& out) {
  auto a = std::make_shared<StatusArgs>();
  CLI::App* sub = app.add_subcommand("status", "Print one running node's status as JSON");
  sub->add_option("--data-dir", a->data_dir, "The node's data directory (uses its control.sock)");
  sub->add_option("--socket", a->socket, "Path of the node's control socket");
  sub->add_option("--timeout", a->timeout, "How long to wait for an answer (default 2s)");
  sub->add_flag("--pretty", a->pretty, "Indent the JSON");
  out.push_back({sub, [a] { return run_status(*a); }});
}

}  // namespace synod::app
