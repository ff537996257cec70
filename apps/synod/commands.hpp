// Every `synod` subcommand lives in its own file and registers itself here. A command's run()
// returns the process exit code: 0 success, 1 the job failed (a violation, a node not healthy),
// 2 bad usage or config (one clear line on stderr).
#pragma once

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace synod::app {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  CLI::App* sub = nullptr;
  std::function<int()> run;
};

using Commands = std::vector<Command>;

void add_sim_command(CLI::App& app, Commands& out);
void add_check_command(CLI::App& app, Commands& out);
void add_trace_command(CLI::App& app, Commands& out);
void add_node_command(CLI::App& app, Commands& out);
void add_local_command(CLI::App& app, Commands& out);
void add_status_command(CLI::App& app, Commands& out);
void add_leader_command(CLI::App& app, Commands& out);
void add_rpc_command(CLI::App& app, Commands& out);
void add_ntp_command(CLI::App& app, Commands& out);
void add_lock_command(CLI::App& app, Commands& out);
void add_snapshot_command(CLI::App& app, Commands& out);
void add_mutants_command(CLI::App& app, Commands& out);
void add_cmd_command(CLI::App& app, Commands& out);
void add_protocols_command(CLI::App& app, Commands& out);

}  // namespace synod::app
