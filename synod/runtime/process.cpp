#include "synod/runtime/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <thread>

namespace synod::runtime {

Result<pid_t> spawn_process(const std::vector<std::string>& argv, const std::string& output_path) {
  if (argv.empty()) return invalid_argument("spawn: empty argv");
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const int out = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) return unavailable("cannot open " + output_path + ": " + std::strerror(errno));
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out);
    if (null_in >= 0) ::close(null_in);
    return unavailable(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    ::setsid();  // own session: Ctrl-C in the terminal reaches only `synod local up`
    if (null_in >= 0) ::dup2(null_in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    // Signals ignored or blocked by the parent would be inherited across exec.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(out);
  if (null_in >= 0) ::close(null_in);
  return pid;
}

bool process_alive(pid_t pid, const std::string& cmdline_needle) {
  if (pid <= 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!stat || !std::getline(stat, line)) return false;
  // "pid (comm) S ...": the state follows the last ')'.
  const auto paren = line.rfind(')');
  if (paren == std::string::npos || paren + 2 >= line.size()) return false;
  const char state = line[paren + 2];
  if (state == 'Z' || state == 'X') return false;
  if (cmdline_needle.empty()) return true;
  std::ifstream cmd("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string cmdline((std::istreambuf_iterator<char>(cmd)), std::istreambuf_iterator<char>());
  return cmdline.find(cmdline_needle) != std::string::npos;
}

void reap_child(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, WNOHANG);
}

int stop_processes(const std::vector<std::pair<pid_t, std::string>>& pids, Duration grace) {
  auto any_alive = [&] {
    bool any = false;
    for (const auto& [pid, needle] : pids) {
      reap_child(pid);
      if (process_alive(pid, needle)) any = true;
    }
    return any;
  };
  auto wait_until_gone = [&](Duration limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (any_alive() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  };
  for (const auto& [pid, needle] : pids) {
    if (process_alive(pid, needle)) ::kill(pid, SIGTERM);
  }
  wait_until_gone(grace);
  int killed = 0;
  for (const auto& [pid, needle] : pids) {
    if (process_alive(pid, needle)) {
      ::kill(pid, SIGKILL);
      ++killed;
    }
  }
  if (killed > 0) wait_until_gone(std::chrono::seconds(2));
  return killed;
}

}  // namespace synod::runtime
