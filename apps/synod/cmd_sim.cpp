// synod sim PROTOCOL --nodes N --seeds K [--faults swarm|none|SPEC] [--json]
// Sweeps seeds of one protocol in the deterministic simulator with its checkers attached.
#include <unistd.h>

#include <cstdio>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "apps/synod/catalog.hpp"
#include "apps/synod/commands.hpp"
#include "apps/synod/options.hpp"
#include "synod/sim/sweep.hpp"

namespace synod::app {
namespace {

struct SimArgs {
  std::string protocol;
  std::uint32_t nodes = 5;
  std::uint64_t seeds = 100;
  std::uint64_t seed = 1;
  std::string faults = "swarm";
  std::string duration = "10s";
  std::string stabilize = "5s";
  std::string trace;
  std::vector<std::string> set;
  std::string algo;
  std::string mutant;
  bool json = false;
  bool stop_first = false;
};

void progress_bar(std::uint64_t done, std::uint64_t total) {
  const int width = 40;
  const int filled = static_cast<int>(width * done / std::max<std::uint64_t>(total, 1));
  std::fprintf(stderr, "\r[%s%s] %llu/%llu seeds", std::string(filled, '#').c_str(),
               std::string(width - filled, '.').c_str(), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total));
  if (done == total) std::fprintf(stderr, "\n");
}

std::string hex(std::uint64_t v) { return fmt::format("{:016x}", v); }

nlohmann::json to_json(const SimArgs& a, const sim::SweepResult& r) {
  nlohmann::json violations = nlohmann::json::array();
  for (const auto& v : r.violations) {
    violations.push_back({{"seed", v.seed},
                          {"checker", v.violation.checker},
                          {"message", v.violation.message},
                          {"event", v.violation.event_seq},
                          {"time_ns", v.violation.time_ns},
                          {"faults", v.faults}});
  }
  return {{"protocol", a.protocol},
          {"nodes", a.nodes},
          {"seeds", r.seeds},
          {"violations", violations},
          {"events", r.events},
          {"events_per_sec", r.events_per_sec()},
          {"sim_seconds", r.sim_seconds},
          {"wall_seconds", r.wall_seconds},
          {"trace_hash", hex(r.first_trace_hash)},
          {"replay_matches", r.replay_matches}};
}

void print_text(const SimArgs& a, const sim::SweepResult& r) {
  for (const auto& v : r.violations) {
    std::printf(
        "VIOLATION seed %llu [%s] at event %llu (t=%s): %s\n  faults: %s\n  replay: synod sim %s "
        "--nodes %u --seeds 1 --seed %llu --faults '%s'\n",
        static_cast<unsigned long long>(v.seed), v.violation.checker.c_str(),
        static_cast<unsigned long long>(v.violation.event_seq),
        format_duration(Duration(v.violation.time_ns)).c_str(), v.violation.message.c_str(),
        v.faults.c_str(), a.protocol.c_str(), a.nodes, static_cast<unsigned long long>(v.seed),
        v.faults.c_str());
  }
  std::printf(
      "%s: %llu seeds, %zu violations, %llu events in %.2fs wall (%.0f events/s), %.0fs simulated, "
      "trace hash %s%s\n",
      a.protocol.c_str(), static_cast<unsigned long long>(r.seeds), r.violations.size(),
      static_cast<unsigned long long>(r.events), r.wall_seconds, r.events_per_sec(), r.sim_seconds,
      hex(r.first_trace_hash).c_str(), r.replay_matches ? "" : " (REPLAY MISMATCH)");
}

int run_one_traced(const SimArgs& a, const sim::SweepOptions& so, const ProtocolOptions& popts,
                   const sim::ProtocolFactory& factory, const CatalogEntry& entry) {
  auto writer = TraceWriter::open(a.trace);
  if (!writer) {
    std::fprintf(stderr, "synod sim: %s\n", writer.status().message().c_str());
    return kExitUsage;
  }
  sim::SimOptions o;
  o.seed = a.seed;
  o.nodes = a.nodes;
  o.duration = so.duration;
  o.stabilize = so.stabilize;
  o.plan = sim::plan_for_seed(so, a.seed);
  sim::Simulator s(o, factory, entry.checkers(popts), writer->get());
  const auto r = s.run();
  std::printf("seed %llu faults: %s\ntrace: %s (%llu events, hash %s)\n",
              static_cast<unsigned long long>(a.seed), sim::to_string(o.plan).c_str(),
              a.trace.c_str(), static_cast<unsigned long long>(r.events),
              hex(r.trace_hash).c_str());
  if (r.violation) {
    std::printf("VIOLATION [%s] at event %llu: %s\n", r.violation->checker.c_str(),
                static_cast<unsigned long long>(r.violation->event_seq),
                r.violation->message.c_str());
    return kExitFailed;
  }
  return kExitOk;
}

int run_sim(const SimArgs& a) {
  const CatalogEntry* entry = find_protocol(a.protocol);
  if (entry == nullptr) {
    std::fprintf(stderr, "synod sim: unknown protocol '%s' (known: %s)\n", a.protocol.c_str(),
                 protocol_names().c_str());
    return kExitUsage;
  }
  std::vector<std::string> set = a.set;
  if (!a.algo.empty()) set.push_back("algo=" + a.algo);        // --algo X is --set algo=X
  if (!a.mutant.empty()) set.push_back("mutant=" + a.mutant);  // --mutant X is --set mutant=X
  auto opts = parse_set_options(set);
  auto duration = parse_duration(a.duration);
  auto stabilize = parse_duration(a.stabilize);
  if (!opts || !duration || !stabilize || a.nodes < 1 || a.nodes > 10000) {
    const Status& st = !opts        ? opts.status()
                       : !duration  ? duration.status()
                       : !stabilize ? stabilize.status()
                                    : invalid_argument("--nodes must be in [1, 10000]");
    std::fprintf(stderr, "synod sim: %s\n", st.message().c_str());
    return kExitUsage;
  }
  // Validate protocol options once, up front, so a typo is a usage error and not N failures.
  if (auto probe = entry->spec.make(*opts); !probe) {
    std::fprintf(stderr, "synod sim: %s\n", probe.status().message().c_str());
    return kExitUsage;
  }
  sim::SweepOptions so;
  so.first_seed = a.seed;
  so.seeds = a.seeds;
  so.nodes = a.nodes;
  so.duration = *duration;
  so.stabilize = *stabilize;
  so.stop_at_first_violation = a.stop_first;
  if (a.faults != "swarm") {
    auto plan = sim::parse_fault_plan(a.faults, a.nodes);
    if (!plan) {
      std::fprintf(stderr, "synod sim: %s\n", plan.status().message().c_str());
      return kExitUsage;
    }
    so.plan = *plan;
  }
  const ProtocolOptions popts = *opts;
  const auto& spec = entry->spec;
  sim::ProtocolFactory factory = [&spec, popts](NodeId) {
    std::vector<std::unique_ptr<Protocol>> v;
    v.push_back(std::move(spec.make(popts).value()));
    return v;
  };
  if (!a.trace.empty()) return run_one_traced(a, so, popts, factory, *entry);
  if (a.seeds == 1 && !a.json) {
    std::printf("seed %llu faults: %s\n", static_cast<unsigned long long>(a.seed),
                sim::to_string(sim::plan_for_seed(so, a.seed)).c_str());
  }
  const bool bar = !a.json && a.seeds > 1 && isatty(STDERR_FILENO) != 0;
  const auto r = sim::run_sweep(
      so, factory, [entry, &popts] { return entry->checkers(popts); },
      bar ? sim::Progress(progress_bar) : sim::Progress());
  if (a.json) {
    std::printf("%s\n", to_json(a, r).dump().c_str());
  } else {
    print_text(a, r);
  }
  return r.violations.empty() && r.replay_matches ? kExitOk : kExitFailed;
}

}  // namespace

void add_sim_command(CLI::App& app, Commands& out) {
  auto args = std::make_shared<SimArgs>();
  CLI::App* sub =
      app.add_subcommand("sim", "Sweep seeds of a protocol in the deterministic simulator");
  sub->add_option("protocol", args->protocol, "Protocol to simulate")->required();
  sub->add_option("--nodes,-n", args->nodes, "Cluster size")->capture_default_str();
  sub->add_option("--seeds,-k", args->seeds, "Number of seeds to run")->capture_default_str();
  sub->add_option("--seed,-s", args->seed, "First seed (with --seeds 1: replay that seed)")
      ->capture_default_str();
  sub->add_option("--faults,-f", args->faults, "swarm | none | a fault spec (docs/faults.md)")
      ->capture_default_str();
  sub->add_option("--duration", args->duration, "Fault phase length")->capture_default_str();
  sub->add_option("--stabilize", args->stabilize, "Healthy phase before liveness checks")
      ->capture_default_str();
  sub->add_option("--set", args->set, "Protocol option key=value (repeatable)");
  sub->add_option("--algo", args->algo,
                  "Algorithm of a multi-algorithm protocol (mutex: central, ricart-agrawala, "
                  "suzuki-kasami, token-ring; election: bully, ring); same as --set algo=...");
  sub->add_option("--mutant", args->mutant,
                  "Break rule TAG of the protocol on purpose (test-only; see synod mutants)");
  sub->add_option("--trace", args->trace,
                  "Write the JSONL trace of seed --seed to FILE ('-' = stdout)");
  sub->add_flag("--json", args->json, "Print one JSON object");
  sub->add_flag("--stop-at-first", args->stop_first, "Stop the sweep at the first violation");
  out.push_back({sub, [args] { return run_sim(*args); }});
}

}  // namespace synod::app
