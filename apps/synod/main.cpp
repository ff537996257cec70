// synod: one binary, one file per subcommand (see commands.hpp).
#include <cstdio>
#include <exception>

#include "apps/synod/commands.hpp"

int main(int argc, char** argv) {
  using namespace synod::app;  // NOLINT(google-build-using-namespace)
  CLI::App app{"synod: distributed-systems mechanisms, simulated and for real"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "synod 0.1.0");
  Commands commands;
  add_sim_command(app, commands);
  add_mutants_command(app, commands);
  add_protocols_command(app, commands);
  add_check_command(app, commands);
  add_trace_command(app, commands);
  add_node_command(app, commands);
  add_local_command(app, commands);
  add_status_command(app, commands);
  add_leader_command(app, commands);
  add_lock_command(app, commands);
  add_snapshot_command(app, commands);
  add_cmd_command(app, commands);
  add_rpc_command(app, commands);
  add_ntp_command(app, commands);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One clear line, as for every other usage error.
    std::fprintf(stderr, "synod: %s (see synod --help)\n", e.what());
    return kExitUsage;
  }
  try {
    for (const auto& c : commands) {
      if (c.sub->parsed()) return c.run();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "synod: error: %s\n", e.what());
    return kExitFailed;
  }
  return kExitUsage;
}
