// Child node processes for `synod local`: start them detached from the terminal, tell whether one
// is still running, and stop a set of them (SIGTERM, then SIGKILL after a grace period).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "synod/core/status.hpp"
#include "synod/core/time.hpp"

namespace synod::runtime {

// Time a node gets to shut down cleanly after SIGTERM before it is killed.
inline constexpr Duration kStopGrace = std::chrono::seconds(5);

// fork + exec of `argv` (argv[0] is the program path) in a new session, with stdin from /dev/null
// and stdout/stderr appended to `output_path`.
Result<pid_t> spawn_process(const std::vector<std::string>& argv, const std::string& output_path);

// True if `pid` is running (not a zombie) and, when `cmdline_needle` is non-empty, its command
// line contains it: guards against signalling an unrelated process that reused a stale pid.
bool process_alive(pid_t pid, const std::string& cmdline_needle = {});

// Reaps `pid` if it is our exited child (no-op otherwise).
void reap_child(pid_t pid);

// SIGTERM each live process, wait up to `grace`, SIGKILL the rest, wait until gone (bounded).
// Returns how many had to be killed.
int stop_processes(const std::vector<std::pair<pid_t, std::string>>& pids_and_needles,
                   Duration grace = kStopGrace);

}  // namespace synod::runtime
