// synod status --data-dir D | --socket S: asks one running node for its status over its control
// socket and prints the JSON line. Exit 1 if the node does not answer.
#include <cstdio>
#include <memory>

#include "apps/synod/commands.hpp"
#include "synod/node/registry.hpp"
#include "synod/runtime/control.hpp"

namespace synod::app {
namespace {

struct StatusArgs {
  std::string data_dir;
  std::string socket;
  std::string timeout = "2s";
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
  std::printf("%s\n", reply->c_str());
  return kExitOk;
}

}  // namespace

void add_status_command(CLI::App& app, Commands& out) {
  auto a = std::make_shared<StatusArgs>();
  CLI::App* sub = app.add_subcommand("status", "Print one running node's status as JSON");
  sub->add_option("--data-dir", a->data_dir, "The node's data directory (uses its control.sock)");
  sub->add_option("--socket", a->socket, "Path of the node's control socket");
  sub->add_option("--timeout", a->timeout, "How long to wait for an answer (default 2s)");
  out.push_back({sub, [a] { return run_status(*a); }});
}

}  // namespace synod::app
