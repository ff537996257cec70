// synod check PROTOCOL TRACE... : runs a protocol's checkers over traces of a real run (one JSONL
// file per node, merged by time), the same checkers the simulator runs on every seed.
//  - The checkers see only the events of the protocol's ids (CatalogEntry::protocols) and the
//    node events (start, recover, crash: protocol 0), so one protocol's checker never judges
//    another's messages; a trace with no event of the protocol is refused (exit 2).
//  - Every violation is reported, counted per checker (the first few messages of each), and the
//    checkers' verdicts (excused, degraded, fenced) are printed: a run with excused or degraded
//    judgements is "not clean" even when nothing was violated.
//  - The same file given twice is read once; a node still writing its trace is named, and only
//    complete lines are read (a last partial line is left out and reported).
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "apps/synod/catalog.hpp"
#include "apps/synod/commands.hpp"
#include "apps/synod/options.hpp"
#include "synod/node/protocol_ids.hpp"
#include "synod/runtime/control.hpp"
#include "synod/runtime/local_cluster.hpp"
#include "synod/runtime/process.hpp"
#include "synod/trace/jsonl.hpp"

namespace synod::app {
namespace {

struct CheckArgs {
  std::string protocol;
  std::vector<std::string> traces;
  std::vector<std::string> set;
  int show = 3;  // messages shown per checker
  bool strict = false;
};

// How recently a trace must have changed to count as still being written.
constexpr auto kStillWriting = std::chrono::seconds(1);

std::string canonical(const std::string& path) {
  std::error_code ec;
  auto p = std::filesystem::canonical(path, ec);
  return ec ? path : p.string();
}

// Why `path` looks like a trace that is still being written, or "" if it does not: its node is a
// live process of a local cluster (pids file two levels up), its data dir's control socket
// answers, or the file changed within the last second.
std::string still_writing(const std::string& path) {
  const std::filesystem::path data_dir = std::filesystem::path(path).parent_path();
  const std::string cluster = data_dir.parent_path().string();
  if (auto nodes = runtime::read_pids_file(cluster.empty() ? "." : cluster)) {
    for (const auto& n : *nodes) {
      if (canonical(n.data_dir()) != data_dir.string()) continue;
      if (runtime::process_alive(n.pid, n.config_path)) {
        return "node " + std::to_string(n.id) + " (pid " + std::to_string(n.pid) +
               ") is still running";
      }
    }
  }
  const std::string socket = (data_dir / "control.sock").string();
  if (std::filesystem::exists(socket) &&
      runtime::control_request(socket, "status", std::chrono::milliseconds(300))) {
    return "its node answers on " + socket;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    const auto mtime =
        std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec);
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    if (now - mtime < kStillWriting) return "it changed less than a second ago";
  }
  return {};
}

std::string id_names(const std::vector<ProtocolId>& ids) {
  std::string out;
  for (ProtocolId id : ids) {
    if (!out.empty()) out += ", ";
    const std::string_view name = protocol_id_name(id);
    out += (name.empty() ? std::string("?") : std::string(name)) + " (" + std::to_string(id) + ")";
  }
  return out;
}

struct CheckerReport {
  std::uint64_t violations = 0;
  std::vector<std::string> first;  // the first few messages, with their event
};

int run_check(const CheckArgs& a) {
  const CatalogEntry* entry = find_protocol(a.protocol);
  if (entry == nullptr) {
    std::fprintf(stderr, "synod check: unknown protocol '%s' (known: %s)\n", a.protocol.c_str(),
                 protocol_names().c_str());
    return kExitUsage;
  }
  auto opts = parse_set_options(a.set);
  if (!opts) {
    std::fprintf(stderr, "synod check: %s\n", opts.status().message().c_str());
    return kExitUsage;
  }
  // Read each file once (by its real path), and only its complete lines.
  std::vector<std::vector<OwnedEvent>> all;
  std::map<std::string, std::string> seen;  // real path -> the name it was first given as
  std::size_t files = 0;
  for (const auto& path : a.traces) {
    const std::string real = canonical(path);
    if (auto it = seen.find(real); it != seen.end()) {
      std::printf("note: %s is the same file as %s: read once\n", path.c_str(), it->second.c_str());
      continue;
    }
    seen.emplace(real, path);
    if (const std::string why = still_writing(real); !why.empty()) {
      std::printf(
          "warning: %s is still being written (%s): only its complete lines so far are "
          "checked\n",
          path.c_str(), why.c_str());
    }
    auto t = read_complete_trace(path);
    if (!t) {
      std::fprintf(stderr, "synod check: %s\n", t.status().message().c_str());
      return kExitUsage;
    }
    if (t->partial_bytes > 0) {
      std::printf("note: %s ends in a partial line (%zu bytes, no newline): left out\n",
                  path.c_str(), t->partial_bytes);
    }
    ++files;
    all.push_back(std::move(t->events));
  }
  auto merged = merge_traces(std::move(all));

  // Only the protocol's own events, and the node events (protocol 0), reach its checkers.
  const std::set<ProtocolId> ids(entry->protocols.begin(), entry->protocols.end());
  std::vector<const Event*> events;
  std::uint64_t own = 0;
  for (const auto& e : merged) {
    const bool mine = ids.empty() || ids.count(e.event.protocol) != 0;
    if (mine && e.event.protocol != 0) ++own;
    if (mine || e.event.protocol == 0) events.push_back(&e.event);
  }
  if (ids.empty()) {
    std::printf("note: the catalog lists no protocol ids for %s: its checkers read every event\n",
                a.protocol.c_str());
  } else if (own == 0) {
    std::fprintf(stderr,
                 "synod check: no event of %s's protocol (%s) in %zu event(s) of %zu trace(s): "
                 "not a trace of %s (check the node ran it)\n",
                 a.protocol.c_str(), id_names(entry->protocols).c_str(), merged.size(), files,
                 a.protocol.c_str());
    return kExitUsage;
  }

  auto checkers = entry->checkers(*opts);
  std::vector<CheckerReport> reports(checkers.size());
  std::uint64_t total = 0;
  for (const Event* e : events) {
    for (std::size_t i = 0; i < checkers.size(); ++i) {
      if (auto v = checkers[i]->on_event(*e)) {
        ++total;
        CheckerReport& r = reports[i];
        if (static_cast<int>(r.first.size()) < a.show) {
          r.first.push_back("event " + std::to_string(e->seq) + " (node " +
                            std::to_string(e->node) + "): " + *v);
        }
        ++r.violations;
      }
    }
  }

  std::uint64_t unclean = 0;  // excused or degraded judgements
  for (std::size_t i = 0; i < checkers.size(); ++i) {
    const std::string name(checkers[i]->name());
    const CheckerReport& r = reports[i];
    if (r.violations > 0) {
      std::printf("VIOLATION [%s] %llu time(s)\n", name.c_str(),
                  static_cast<unsigned long long>(r.violations));
      for (const auto& m : r.first) std::printf("  %s\n", m.c_str());
      if (r.violations > r.first.size()) {
        std::printf("  ... and %llu more\n",
                    static_cast<unsigned long long>(r.violations - r.first.size()));
      }
    }
    for (const auto& v : checkers[i]->verdicts()) {
      if (v.count == 0) continue;
      std::printf("%s [%s] %llu: %s\n", v.kind.c_str(), name.c_str(),
                  static_cast<unsigned long long>(v.count), v.what.c_str());
      if (v.kind == "excused" || v.kind == "degraded") unclean += v.count;
    }
  }
  std::printf("%s: %zu events checked (%llu of the protocol, %zu read) from %zu trace(s), ",
              a.protocol.c_str(), events.size(), static_cast<unsigned long long>(own),
              merged.size(), files);
  if (total > 0) {
    std::printf("%llu violation(s)\n", static_cast<unsigned long long>(total));
    return kExitFailed;
  }
  if (unclean > 0) {
    std::printf("no violations, but not clean: %llu judgement(s) excused or degraded\n",
                static_cast<unsigned long long>(unclean));
    return a.strict ? kExitFailed : kExitOk;
  }
  std::printf("no violations\n");
  return kExitOk;
}

}  // namespace

void add_check_command(CLI::App& app, Commands& out) {
  auto args = std::make_shared<CheckArgs>();
  CLI::App* sub =
      app.add_subcommand("check", "Run a protocol's checkers over traces of a real run");
  sub->add_option("protocol", args->protocol, "Protocol whose checkers to run")->required();
  sub->add_option("traces", args->traces, "JSONL trace files (one per node)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--set", args->set,
                  "Protocol option key=value the nodes ran with (checker windows follow them)");
  sub->add_option("--show", args->show, "Violation messages shown per checker")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  sub->add_flag("--strict", args->strict,
                "Exit 1 when the run is not clean (excused or degraded judgements)");
  out.push_back({sub, [args] { return run_check(*args); }});
}

}  // namespace synod::app
